//! Emission of `Encode` impls (Query XML and JSON writers).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::Result;

use super::super::model::{Kind, Member};
use super::super::names::snake;
use super::Emitter;

impl Emitter<'_> {
    pub(super) fn encode_impl(
        &self,
        type_name: &str,
        members: &[Member],
        required: &BTreeSet<String>,
    ) -> Result<String> {
        let mut xml = String::new();
        let mut json = String::new();
        for member in members {
            let field = snake(&member.name);
            let wire = &member.name;
            if required.contains(&member.name) {
                let value = Val::field(&field);
                xml.push_str(&self.xml_write(&member.shape, &value, wire, 0)?);
                let expr = self.json_expr(&member.shape, &value, 0)?;
                let _ = writeln!(json, "members.insert({wire:?}.to_owned(), {expr});");
            } else {
                let value = Val::reference("value");
                let write = self.xml_write(&member.shape, &value, wire, 0)?;
                let _ = writeln!(xml, "if let Some(value) = &self.{field} {{\n{write}}}");
                let expr = self.json_expr(&member.shape, &value, 0)?;
                let _ = writeln!(
                    json,
                    "if let Some(value) = &self.{field} {{\nmembers.insert({wire:?}.to_owned(), {expr});\n}}"
                );
            }
        }
        let (writer, members_decl) = if members.is_empty() {
            ("_writer", "let members = serde_json::Map::new();")
        } else {
            ("writer", "let mut members = serde_json::Map::new();")
        };
        Ok(format!(
            "impl encode::Encode for {type_name} {{\n\
             fn write_xml(&self, {writer}: &mut xml::XmlWriter) {{\n{xml}}}\n\n\
             fn to_json(&self) -> serde_json::Value {{\n{members_decl}\n{json}serde_json::Value::Object(members)\n}}\n}}\n\n"
        ))
    }

    /// Statements writing `value` as element `element`.
    fn xml_write(
        &self,
        shape_name: &str,
        value: &Val,
        element: &str,
        depth: usize,
    ) -> Result<String> {
        let shape = self.model.shape(shape_name)?;
        let Val { arg, recv, copy } = value;
        let text = |expr: String| format!("writer.text_element({element:?}, {expr});\n");
        Ok(match &shape.kind {
            Kind::Structure { .. } => {
                format!("writer.element({element:?}, |writer| {recv}.write_xml(writer));\n")
            }
            Kind::List { member, .. } => {
                let item = format!("item{depth}");
                let inner = self.xml_write(member, &Val::reference(&item), "member", depth + 1)?;
                format!(
                    "writer.element({element:?}, |writer| {{\nfor {item} in {arg} {{\n{inner}}}\n}});\n"
                )
            }
            Kind::Map {
                value: value_shape, ..
            } => {
                let key = format!("key{depth}");
                let item = format!("value{depth}");
                let inner =
                    self.xml_write(value_shape, &Val::reference(&item), "value", depth + 1)?;
                format!(
                    "writer.element({element:?}, |writer| {{\nfor ({key}, {item}) in {arg} {{\n\
                     writer.element(\"entry\", |writer| {{\nwriter.text_element(\"key\", {key});\n{inner}}});\n}}\n}});\n"
                )
            }
            Kind::String { .. } if shape_name == "policyDocumentType" => {
                text(format!("&encode::policy_document({arg})"))
            }
            Kind::String { .. } => text(arg.clone()),
            Kind::Integer { .. } | Kind::Long { .. } => text(format!("&{recv}.to_string()")),
            Kind::Boolean => text(format!("encode::boolean({copy})")),
            Kind::Double => text(format!("&encode::double({copy})")),
            Kind::Timestamp => text(format!("&encode::iso8601({copy})")),
            Kind::Blob { .. } => text(format!("&encode::base64({arg})")),
        })
    }

    /// A `serde_json::Value` expression for `value`.
    fn json_expr(&self, shape_name: &str, value: &Val, depth: usize) -> Result<String> {
        let shape = self.model.shape(shape_name)?;
        let Val { arg, recv, copy } = value;
        Ok(match &shape.kind {
            Kind::Structure { .. } => format!("{recv}.to_json()"),
            Kind::List { member, .. } => {
                let item = format!("item{depth}");
                let inner = self.json_expr(member, &Val::reference(&item), depth + 1)?;
                format!("serde_json::Value::Array({recv}.iter().map(|{item}| {inner}).collect())")
            }
            Kind::Map {
                value: value_shape, ..
            } => {
                let key = format!("key{depth}");
                let item = format!("value{depth}");
                let inner = self.json_expr(value_shape, &Val::reference(&item), depth + 1)?;
                format!(
                    "serde_json::Value::Object({recv}.iter().map(|({key}, {item})| ({key}.clone(), {inner})).collect())"
                )
            }
            Kind::String { .. } if shape_name == "policyDocumentType" => {
                format!("serde_json::Value::from(encode::policy_document({arg}))")
            }
            Kind::String { .. } => format!("serde_json::Value::from({recv}.as_str())"),
            Kind::Integer { .. } | Kind::Long { .. } | Kind::Boolean => {
                format!("serde_json::Value::from({copy})")
            }
            Kind::Double => format!("encode::json_double({copy})"),
            Kind::Timestamp => format!("encode::epoch_seconds({copy})"),
            Kind::Blob { .. } => format!("serde_json::Value::from(encode::base64({arg}))"),
        })
    }
}

/// The spellings of one value in generated encoders: as a borrowed function
/// argument, as a method receiver, and as a copied scalar.
struct Val {
    arg: String,
    recv: String,
    copy: String,
}

impl Val {
    /// A required member, `self.field`.
    fn field(field: &str) -> Self {
        Self {
            arg: format!("&self.{field}"),
            recv: format!("self.{field}"),
            copy: format!("self.{field}"),
        }
    }

    /// A binding that is already a reference.
    fn reference(name: &str) -> Self {
        Self {
            arg: name.to_owned(),
            recv: name.to_owned(),
            copy: format!("*{name}"),
        }
    }
}
