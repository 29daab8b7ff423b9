//! Emission of `Decode` impls and constraint constants.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::Result;

use super::super::model::{Kind, Member};
use super::super::names::{lower_camel, pascal, snake};
use super::super::pattern;
use super::{Emitter, HEADER};

impl Emitter<'_> {
    pub(super) fn decode_impl(
        &self,
        name: &str,
        type_name: &str,
        members: &[Member],
        required: &BTreeSet<String>,
    ) -> Result<String> {
        let mut out = String::new();
        let used = if members.is_empty() { "_" } else { "" };
        let _ = writeln!(
            out,
            "impl decode::Decode for {type_name} {{\n\
             fn decode<S: decode::Source>({used}source: &S, {used}path: &decode::Path<'_>, {used}d: &mut decode::Decoder) -> Option<Self> {{"
        );
        for member in members {
            let var = format!("m_{}", snake(&member.name).trim_start_matches("r#"));
            let read = self.read_expr(&member.shape, "s", "p")?;
            let read = read.replace(
                &format!("read_structure::<{type_name}, _>"),
                "read_structure::<Self, _>",
            );
            let _ = writeln!(
                out,
                "let {var} = d.member(source, path, ({:?}, {:?}, {}), |s, p, d| {read});",
                member.name,
                lower_camel(&member.name),
                required.contains(&member.name)
            );
        }
        let _ = write!(out, "Some(Self {{");
        for member in members {
            let field = snake(&member.name);
            let var = format!("m_{}", field.trim_start_matches("r#"));
            let boxed = if self.boxed.contains(&(name, member.name.as_str())) {
                ".map(Box::new)"
            } else {
                ""
            };
            let question = if required.contains(&member.name) {
                "?"
            } else {
                ""
            };
            let _ = write!(out, "{field}: {var}{boxed}{question}, ");
        }
        out.push_str("})\n}\n}\n\n");
        Ok(out)
    }

    /// An expression of type `Option<T>` reading shape `shape_name` from `node`.
    fn read_expr(&self, shape_name: &str, node: &str, path: &str) -> Result<String> {
        let shape = self.model.shape(shape_name)?;
        Ok(match &shape.kind {
            Kind::Structure { .. } => {
                format!(
                    "decode::read_structure::<{}, _>({node}, {path}, d)",
                    pascal(shape_name)
                )
            }
            Kind::List { member, .. } => {
                let list_rules = self.rule_ref(shape_name, "ListRules")?;
                if matches!(self.model.shape(member)?.kind, Kind::String { .. }) {
                    let element = self.rule_ref(member, "StringRules")?;
                    format!("decode::read_string_list({node}, {path}, {list_rules}, {element}, d)")
                } else {
                    let inner = self.read_expr(member, "s", "p")?;
                    format!("decode::read_list({node}, {path}, {list_rules}, d, |s, p, d| {inner})")
                }
            }
            Kind::Map { key, value, .. } => {
                let map_rules = self.rule_ref(shape_name, "ListRules")?;
                let key_rules = self.rule_ref(key, "StringRules")?;
                let inner = self.read_expr(value, "s", "p")?;
                format!(
                    "decode::read_map({node}, {path}, {map_rules}, {key_rules}, d, |s, p, d| {inner})"
                )
            }
            Kind::String { .. } => {
                format!(
                    "decode::read_string({node}, {path}, {}, d)",
                    self.rule_ref(shape_name, "StringRules")?
                )
            }
            Kind::Integer { .. } => {
                format!(
                    "decode::read_i32({node}, {path}, {}, d)",
                    self.rule_ref(shape_name, "IntRules")?
                )
            }
            Kind::Long { .. } => {
                format!(
                    "decode::read_i64({node}, {path}, {}, d)",
                    self.rule_ref(shape_name, "IntRules")?
                )
            }
            Kind::Boolean => format!("decode::read_bool({node}, {path}, d)"),
            Kind::Double => format!("decode::read_f64({node}, {path}, d)"),
            Kind::Timestamp => format!("decode::read_timestamp({node}, {path}, d)"),
            Kind::Blob { .. } => {
                format!(
                    "decode::read_blob({node}, {path}, {}, d)",
                    self.rule_ref(shape_name, "BlobRules")?
                )
            }
        })
    }

    /// `&super::rules::X` for a constrained shape, else `&…::NONE`.
    fn rule_ref(&self, shape_name: &str, kind: &str) -> Result<String> {
        Ok(if self.rule_body(shape_name)?.is_some() {
            format!(
                "&rules::{}",
                self.rule_names.get(shape_name).map_or("", String::as_str)
            )
        } else {
            format!("&decode::{kind}::NONE")
        })
    }

    /// The constraint constant of a shape: (type, initializer, optional regex static).
    fn rule_body(&self, shape_name: &str) -> Result<Option<(String, String, Option<String>)>> {
        let shape = self.model.shape(shape_name)?;
        let opt = |v: &Option<u64>| v.map_or("None".to_owned(), |v| format!("Some({v})"));
        let opti = |v: &Option<i64>| v.map_or("None".to_owned(), |v| format!("Some({v})"));
        Ok(match &shape.kind {
            Kind::String {
                min,
                max,
                pattern,
                enum_values,
            } => {
                if min.is_none()
                    && max.is_none()
                    && pattern.is_none()
                    && enum_values.is_empty()
                    && !shape.sensitive
                {
                    return Ok(None);
                }
                let constant = self.rule_names.get(shape_name).cloned().unwrap_or_default();
                let (pattern_code, regex_static) = match pattern {
                    Some(java) => {
                        let compiled = pattern::translate(java).ok_or_else(|| {
                            anyhow::anyhow!(
                                "{shape_name}: pattern {java} has no regex-crate equivalent"
                            )
                        })?;
                        let rejects = compiled.rejects.map_or("None".to_owned(), |r| {
                            format!("Some(LazyLock::new(|| Regex::new({r:?}).ok()))")
                        });
                        (
                            format!("Some(&{constant}_PATTERN)"),
                            Some(format!(
                                "static {constant}_PATTERN: Pattern = Pattern {{ source: {java:?}, \
                                 matches: LazyLock::new(|| Regex::new({:?}).ok()), rejects: {rejects} }};\n",
                                compiled.matches
                            )),
                        )
                    }
                    None => ("None".to_owned(), None),
                };
                let values: Vec<String> = enum_values.iter().map(|v| format!("{v:?}")).collect();
                Some((
                    "StringRules".to_owned(),
                    format!(
                        "StringRules {{ min: {}, max: {}, pattern: {pattern_code}, enum_values: &[{}], sensitive: {} }}",
                        opt(min),
                        opt(max),
                        values.join(", "),
                        shape.sensitive
                    ),
                    regex_static,
                ))
            }
            Kind::Integer { min, max } | Kind::Long { min, max } => {
                if min.is_none() && max.is_none() {
                    return Ok(None);
                }
                Some((
                    "IntRules".to_owned(),
                    format!("IntRules {{ min: {}, max: {} }}", opti(min), opti(max)),
                    None,
                ))
            }
            Kind::List { min, max, .. } | Kind::Map { min, max, .. } => {
                if min.is_none() && max.is_none() {
                    return Ok(None);
                }
                Some((
                    "ListRules".to_owned(),
                    format!("ListRules {{ min: {}, max: {} }}", opt(min), opt(max)),
                    None,
                ))
            }
            Kind::Blob { min, max } => {
                if min.is_none() && max.is_none() {
                    return Ok(None);
                }
                Some((
                    "BlobRules".to_owned(),
                    format!("BlobRules {{ min: {}, max: {} }}", opt(min), opt(max)),
                    None,
                ))
            }
            _ => None,
        })
    }

    pub(super) fn rules(&self) -> Result<String> {
        let mut body = String::new();
        let mut kinds = BTreeSet::new();
        let mut regex = false;
        for name in &self.inputs {
            let Some((kind, init, regex_static)) = self.rule_body(name)? else {
                continue;
            };
            let constant = self.rule_names.get(name).cloned().unwrap_or_default();
            if let Some(regex_static) = regex_static {
                body.push_str(&regex_static);
                regex = true;
            }
            let _ = writeln!(
                body,
                "/// Constraints of `{name}`.\npub(super) static {constant}: {kind} = {init};\n"
            );
            kinds.insert(kind);
        }
        let mut out = String::from(HEADER);
        out.push_str("//! Model constraints of the input shapes.\n\n");
        if regex {
            out.push_str("use std::sync::LazyLock;\n\nuse regex::Regex;\n\n");
            kinds.insert("Pattern".to_owned());
        }
        if !kinds.is_empty() {
            let kinds: Vec<String> = kinds.into_iter().collect();
            let _ = writeln!(out, "use crate::decode::{{{}}};\n", kinds.join(", "));
        }
        out.push_str(&body);
        Ok(out)
    }
}
