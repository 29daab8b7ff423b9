//! The request context: who asks, for what action on which resource, and the condition keys.

/// What kind of caller made the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// The account root user.
    Root,
    /// An IAM user with long-term or session credentials.
    User,
    /// A role session (`arn:aws:sts::acct:assumed-role/R/s`).
    AssumedRole,
    /// A `GetFederationToken` session (`arn:aws:sts::acct:federated-user/n`).
    FederatedUser,
    /// A service principal; `arn` holds its name, e.g. `ec2.amazonaws.com`.
    Service,
    /// An unauthenticated caller.
    Anonymous,
}

/// The caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The caller's ARN (for services, the service name; for web-identity callers, the provider).
    pub arn: String,
    /// The caller's account id.
    pub account: String,
    /// The kind of caller.
    pub kind: PrincipalKind,
    /// For [`PrincipalKind::AssumedRole`]: the role's ARN (with its path).
    pub role_arn: Option<String>,
    /// For [`PrincipalKind::FederatedUser`]: the IAM user who called `GetFederationToken`.
    pub federating_user_arn: Option<String>,
    /// The unique id a trust policy stores in place of an ARN: the user's (`AIDA…`) for
    /// [`PrincipalKind::User`], the role's (`AROA…`) for [`PrincipalKind::AssumedRole`].
    pub unique_id: Option<String>,
}

impl Principal {
    /// The principal an ARN names: a root user (`…:root`), an IAM user, a role (its
    /// sessions: `…:role/path/name`), a role session (`sts …:assumed-role/R/s`, whose role
    /// ARN is taken without a path) or a federated user. `None` for anything else.
    pub fn from_arn(arn: &str) -> Option<Self> {
        let crate::ArnParts {
            partition,
            service,
            account,
            resource,
            ..
        } = crate::ArnParts::parse(arn)?;
        let segments: Vec<&str> = resource.split('/').collect();
        let (kind, role_arn) = match (service, segments.as_slice()) {
            ("iam", ["root"]) => (PrincipalKind::Root, None),
            ("iam", ["user", ..]) => (PrincipalKind::User, None),
            ("iam", ["role", ..]) => (PrincipalKind::AssumedRole, Some(arn.to_owned())),
            ("sts", ["assumed-role", role, _session]) => (
                PrincipalKind::AssumedRole,
                Some(format!("arn:{partition}:iam::{account}:role/{role}")),
            ),
            ("sts", ["federated-user", _name]) => (PrincipalKind::FederatedUser, None),
            _ => return None,
        };
        Some(Self {
            arn: arn.to_owned(),
            account: account.to_owned(),
            kind,
            role_arn,
            federating_user_arn: None,
            unique_id: None,
        })
    }
}

/// A condition-key value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multivalued key (`ArrayOf*`), possibly empty.
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice-like iterator.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        let items: &[String] = match self {
            Self::Single(value) => std::slice::from_ref(value),
            Self::Multi(values) => values,
        };
        items.iter().map(String::as_str)
    }

    /// Whether there are no values (an empty multivalued key).
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Multi(values) if values.is_empty())
    }
}

/// Condition keys with case-insensitive names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContextMap {
    /// Sorted by lowercase key.
    entries: Vec<(Box<str>, ContextValue)>,
}

impl ContextMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts or replaces a key (names compare case-insensitively).
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let key = key.to_ascii_lowercase();
        match self
            .entries
            .binary_search_by(|(k, _)| (**k).cmp(key.as_str()))
        {
            Ok(found) => {
                if let Some(entry) = self.entries.get_mut(found) {
                    entry.1 = value;
                }
            }
            Err(at) => self.entries.insert(at, (key.into_boxed_str(), value)),
        }
    }

    /// Looks a key up, ignoring case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.get_lowercase(&key.to_ascii_lowercase())
        } else {
            self.get_lowercase(key)
        }
    }

    /// Looks up a key that is already lowercase (no allocation).
    pub(crate) fn get_lowercase(&self, key: &str) -> Option<&ContextValue> {
        if self.entries.len() <= 16 {
            return self
                .entries
                .iter()
                .find(|(k, _)| crate::glob::bytes_equal(k.as_bytes(), key.as_bytes()))
                .map(|(_, v)| v);
        }
        self.entries
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All entries (lowercase keys) in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }
}

impl<K: AsRef<str>> FromIterator<(K, ContextValue)> for ContextMap {
    fn from_iter<I: IntoIterator<Item = (K, ContextValue)>>(entries: I) -> Self {
        let mut map = Self::new();
        for (key, value) in entries {
            map.insert(key.as_ref(), value);
        }
        map
    }
}

/// Everything the evaluator needs to know about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    /// The caller.
    pub principal: Principal,
    /// `service:Action`, any case.
    pub action: String,
    /// The resource ARN, or `*` for actions without resource-level permissions.
    pub resource: String,
    /// The account owning the resource; `None` means the caller's own account.
    pub resource_account: Option<String>,
    /// Condition keys.
    pub context: ContextMap,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_and_replaced() {
        let mut map = ContextMap::new();
        map.insert("aws:SourceIp", ContextValue::Single("1.2.3.4".into()));
        map.insert("AWS:sourceip", ContextValue::Single("5.6.7.8".into()));
        map.insert("aws:TagKeys", ContextValue::Multi(vec!["a".into()]));
        assert_eq!(
            map.get("aws:sourceIP"),
            Some(&ContextValue::Single("5.6.7.8".into()))
        );
        assert_eq!(map.iter().count(), 2);
        assert!(map.get("aws:username").is_none());
        assert!(ContextValue::Multi(vec![]).is_empty());
        assert_eq!(map.get("aws:tagkeys").map(|v| v.values().count()), Some(1));
        let collected: ContextMap = [
            ("B", ContextValue::Single("1".into())),
            ("a", ContextValue::Single("2".into())),
        ]
        .into_iter()
        .collect();
        assert_eq!(collected.len(), 2);
        assert!(!collected.is_empty());
        assert_eq!(
            collected.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }
}
