//! Emission of a service's resource types and typed ARN builders.

use std::fmt::Write as _;

use super::super::names::{screaming, snake};
use super::{Emitter, HEADER};

impl Emitter<'_> {
    /// `arn.rs`: one `ResourceType` static and one builder per resource type of the
    /// authorization reference. A builder takes the template's variables in order, so
    /// `user(partition, account, user_name_with_path)` makes
    /// `arn:{partition}:iam::{account}:user/{user_name_with_path}`.
    pub(super) fn arns(&self) -> String {
        let mut out = String::from(HEADER);
        out.push_str(
            "//! The service's resource types (from the service authorization reference) and\n\
             //! typed builders of their ARNs. The partition is always an argument: it comes\n\
             //! from configuration, never from a literal.\n\n\
             use crate::meta::{Arn, ResourceType};\n\n",
        );
        for resource in self.reference.resource_types.values() {
            let constant = resource_constant(&resource.name);
            let function = snake(&resource.name.replace('-', "_"));
            let variables = template_variables(&resource.arn);
            let _ = writeln!(
                out,
                "/// The `{name}` resource type: `{arn}`.\n\
                 pub static {constant}: ResourceType = ResourceType {{ name: {name:?}, arn_template: {arn:?}, cloudtrail_type: {ct:?} }};\n",
                name = resource.name,
                arn = resource.arn,
                ct = resource.cloudtrail_type,
            );
            let parameters: Vec<String> = variables
                .iter()
                .map(|variable| format!("{}: &str", snake(variable)))
                .collect();
            let mut format_text = resource.arn.clone();
            for variable in &variables {
                format_text = format_text.replace(
                    &format!("${{{variable}}}"),
                    &format!("{{{}}}", snake(variable).trim_start_matches("r#")),
                );
            }
            let _ = writeln!(
                out,
                "/// The ARN of a `{name}`: `{arn}`.\n\
                 pub fn {function}({parameters}) -> Arn {{\n\
                 Arn {{ resource_type: &{constant}, value: format!({format_text:?}) }}\n}}\n",
                name = resource.name,
                arn = resource.arn,
                parameters = parameters.join(", "),
            );
        }
        out
    }
}

/// The constant naming a resource type: `instance-profile` → `INSTANCE_PROFILE`.
pub(super) fn resource_constant(name: &str) -> String {
    screaming(&name.replace('-', "_"))
}

/// The `${Variable}` names of an ARN template, in order, each once.
fn template_variables(template: &str) -> Vec<String> {
    let mut variables: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else { break };
        let variable = after.get(..end).unwrap_or_default().to_owned();
        if !variables.contains(&variable) {
            variables.push(variable);
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    variables
}
