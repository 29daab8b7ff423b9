//! The subset of a botocore `service-2.json` the generator needs, read with
//! member order preserved (output element order and validation message
//! order follow the model).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use anyhow::{Context as _, Result, anyhow, bail};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value whose objects keep their member order.
#[derive(Debug, Clone)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Self>),
    Object(Vec<(String, Self)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    fn num(&self, key: &str) -> Option<serde_json::Number> {
        match self.get(key)? {
            Self::Number(n) => Some(n.clone()),
            _ => None,
        }
    }

    fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some(Self::Bool(true)))
    }

    fn members(&self) -> &[(String, Self)] {
        match self {
            Self::Object(members) => members,
            _ => &[],
        }
    }

    fn strings(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Some(Self::Array(items)) => items
                .iter()
                .filter_map(|i| {
                    if let Self::String(s) = i {
                        Some(s.clone())
                    } else {
                        None
                    }
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
                Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json, E> {
                Ok(Json::String(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Json, E> {
                Ok(Json::String(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut members = Vec::new();
                while let Some((k, v)) = map.next_entry()? {
                    members.push((k, v));
                }
                Ok(Json::Object(members))
            }
        }
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// A service model.
#[derive(Debug)]
pub(crate) struct Model {
    pub(crate) service: String,
    pub(crate) metadata: Metadata,
    pub(crate) operations: Vec<Operation>,
    pub(crate) shapes: BTreeMap<String, Shape>,
}

/// The `metadata` block.
#[derive(Debug)]
pub(crate) struct Metadata {
    pub(crate) service_id: String,
    pub(crate) api_version: String,
    pub(crate) protocol: String,
    pub(crate) signing_name: String,
    pub(crate) xml_namespace: String,
    pub(crate) target_prefix: String,
    pub(crate) full_name: String,
}

/// One operation.
#[derive(Debug)]
pub(crate) struct Operation {
    pub(crate) name: String,
    pub(crate) input: Option<String>,
    pub(crate) output: Option<String>,
    pub(crate) result_wrapper: Option<String>,
    pub(crate) unauthenticated: bool,
}

/// One shape.
#[derive(Debug)]
pub(crate) struct Shape {
    pub(crate) kind: Kind,
    pub(crate) documentation: String,
    pub(crate) sensitive: bool,
}

/// The kinds of shape and their constraints.
#[derive(Debug)]
pub(crate) enum Kind {
    Structure {
        members: Vec<Member>,
        required: BTreeSet<String>,
        error: Option<ErrorTrait>,
    },
    List {
        member: String,
        min: Option<u64>,
        max: Option<u64>,
    },
    Map {
        key: String,
        value: String,
        min: Option<u64>,
        max: Option<u64>,
    },
    String {
        min: Option<u64>,
        max: Option<u64>,
        pattern: Option<String>,
        enum_values: Vec<String>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Long {
        min: Option<i64>,
        max: Option<i64>,
    },
    Boolean,
    Double,
    Timestamp,
    Blob {
        min: Option<u64>,
        max: Option<u64>,
    },
}

/// A structure member.
#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) name: String,
    pub(crate) shape: String,
    pub(crate) documentation: String,
}

/// The error trait of an exception shape, defaults applied.
#[derive(Debug)]
pub(crate) struct ErrorTrait {
    pub(crate) code: String,
    pub(crate) status: u16,
    pub(crate) sender_fault: bool,
}

impl Model {
    /// Parses `service-2.json` text.
    pub(crate) fn parse(service: &str, text: &str) -> Result<Self> {
        let root: Json =
            serde_json::from_str(text).with_context(|| format!("parsing the {service} model"))?;
        let meta = root
            .get("metadata")
            .ok_or_else(|| anyhow!("{service}: no metadata"))?;
        let text_of = |key: &str| meta.str(key).unwrap_or_default().to_owned();
        let metadata = Metadata {
            service_id: text_of("serviceId"),
            api_version: text_of("apiVersion"),
            protocol: text_of("protocol"),
            signing_name: meta
                .str("signingName")
                .or_else(|| meta.str("endpointPrefix"))
                .unwrap_or_default()
                .to_owned(),
            xml_namespace: text_of("xmlNamespace"),
            target_prefix: text_of("targetPrefix"),
            full_name: text_of("serviceFullName"),
        };
        let mut operations = Vec::new();
        for (name, op) in root
            .get("operations")
            .map(Json::members)
            .unwrap_or_default()
        {
            let shape_of = |key: &str| {
                op.get(key)
                    .and_then(|io| io.str("shape"))
                    .map(str::to_owned)
            };
            let unauthenticated = op.str("authtype") == Some("none")
                || op.strings("auth").iter().any(|a| a == "smithy.api#noAuth");
            operations.push(Operation {
                name: name.clone(),
                input: shape_of("input"),
                output: shape_of("output"),
                result_wrapper: op
                    .get("output")
                    .and_then(|o| o.str("resultWrapper"))
                    .map(str::to_owned),
                unauthenticated,
            });
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        let mut shapes = BTreeMap::new();
        for (name, shape) in root.get("shapes").map(Json::members).unwrap_or_default() {
            let parsed = parse_shape(shape).with_context(|| format!("{service}: shape {name}"))?;
            shapes.insert(name.clone(), parsed);
        }
        Ok(Self {
            service: service.to_owned(),
            metadata,
            operations,
            shapes,
        })
    }

    /// The shape with this name.
    pub(crate) fn shape(&self, name: &str) -> Result<&Shape> {
        self.shapes
            .get(name)
            .ok_or_else(|| anyhow!("{}: unknown shape {name}", self.service))
    }
}

fn parse_shape(shape: &Json) -> Result<Shape> {
    let unsigned = |key: &str| shape.num(key).and_then(|n| n.as_u64());
    let signed = |key: &str| shape.num(key).and_then(|n| n.as_i64());
    let kind = match shape.str("type").unwrap_or_default() {
        "structure" => {
            let members = shape
                .get("members")
                .map(Json::members)
                .unwrap_or_default()
                .iter()
                .map(|(name, member)| {
                    Ok(Member {
                        name: name.clone(),
                        shape: member
                            .str("shape")
                            .ok_or_else(|| anyhow!("member {name} has no shape"))?
                            .to_owned(),
                        documentation: member.str("documentation").unwrap_or_default().to_owned(),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let error = shape.flag("exception").then(|| {
                let trait_ = shape.get("error");
                let server = shape.flag("fault");
                let status = trait_
                    .and_then(|e| e.num("httpStatusCode"))
                    .and_then(|n| n.as_u64())
                    .and_then(|n| u16::try_from(n).ok())
                    .unwrap_or(if server { 500 } else { 400 });
                ErrorTrait {
                    code: trait_
                        .and_then(|e| e.str("code"))
                        .unwrap_or_default()
                        .to_owned(),
                    status,
                    sender_fault: trait_.map_or(!server, |e| e.flag("senderFault")),
                }
            });
            Kind::Structure {
                members,
                required: shape.strings("required").into_iter().collect(),
                error,
            }
        }
        "list" => Kind::List {
            member: shape
                .get("member")
                .and_then(|m| m.str("shape"))
                .ok_or_else(|| anyhow!("list without member"))?
                .to_owned(),
            min: unsigned("min"),
            max: unsigned("max"),
        },
        "map" => Kind::Map {
            key: shape
                .get("key")
                .and_then(|m| m.str("shape"))
                .ok_or_else(|| anyhow!("map without key"))?
                .to_owned(),
            value: shape
                .get("value")
                .and_then(|m| m.str("shape"))
                .ok_or_else(|| anyhow!("map without value"))?
                .to_owned(),
            min: unsigned("min"),
            max: unsigned("max"),
        },
        "string" => Kind::String {
            min: unsigned("min"),
            max: unsigned("max"),
            pattern: shape.str("pattern").map(str::to_owned),
            enum_values: shape.strings("enum"),
        },
        "integer" => Kind::Integer {
            min: signed("min"),
            max: signed("max"),
        },
        "long" => Kind::Long {
            min: signed("min"),
            max: signed("max"),
        },
        "boolean" => Kind::Boolean,
        "double" | "float" => Kind::Double,
        "timestamp" => Kind::Timestamp,
        "blob" => Kind::Blob {
            min: unsigned("min"),
            max: unsigned("max"),
        },
        other => bail!("unsupported shape type {other:?}"),
    };
    Ok(Shape {
        kind,
        documentation: shape.str("documentation").unwrap_or_default().to_owned(),
        sensitive: shape.flag("sensitive"),
    })
}
