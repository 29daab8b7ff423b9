//! What a service last accessed report holds, computed when it is generated: the services
//! an entity's permissions policies could be used for (an `Allow` statement names one of
//! their actions; resources, conditions, boundaries and other policy types are not
//! considered, as AWS documents), and for each the latest attempt by the entities the
//! report is about.

use std::collections::HashMap;

use warden_policy::{ActionMatcher, Effect, Policy};
use warden_store::ServiceAccess;

use crate::aws_services::{self, AwsService};

/// A user or role a report covers (EntityInfo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entity {
    /// Its ARN.
    pub(crate) arn: String,
    /// Its name.
    pub(crate) name: String,
    /// `USER` or `ROLE`.
    pub(crate) kind: &'static str,
    /// Its unique id (`AIDA…`, `AROA…`).
    pub(crate) id: String,
    /// Its path.
    pub(crate) path: String,
}

/// The latest attempt at something: when, by which entity (an index into
/// [`Report::entities`]), from which Region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attempt {
    /// Epoch milliseconds.
    pub(crate) when: i64,
    /// The entity, by index.
    pub(crate) entity: usize,
    /// The Region.
    pub(crate) region: String,
}

/// One action of a tracked service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionRow {
    /// The action's name (`CreateUser`).
    pub(crate) name: String,
    /// Its latest attempt, if any.
    pub(crate) last: Option<Attempt>,
}

/// One service of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceRow {
    /// The prefix (`iam`).
    pub(crate) namespace: String,
    /// The name.
    pub(crate) name: String,
    /// The latest attempt, if any.
    pub(crate) last: Option<Attempt>,
    /// Each entity's latest attempt at the service (by index), for those that made one.
    pub(crate) by_entity: HashMap<usize, i64>,
    /// For action-level reports of tracked services: the actions the policies allow.
    pub(crate) actions: Option<Vec<ActionRow>>,
}

/// A computed report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    /// The entities it covers.
    pub(crate) entities: Vec<Entity>,
    /// Its services, by namespace.
    pub(crate) services: Vec<ServiceRow>,
}

/// The services whose actions Warden serves, and so sees every attempt at: their reports
/// are kept per action (AWS's "tracked actions").
const TRACKED_SERVICES: &[&str] = &["cloudtrail", "iam", "kms", "organizations", "sts"];

/// The compiled `Action`/`NotAction` of every `Allow` statement of `policies`.
fn allow_matchers(policies: &[&Policy]) -> Vec<ActionMatcher> {
    policies
        .iter()
        .flat_map(|policy| &policy.document().statements)
        .filter(|statement| statement.effect == Effect::Allow)
        .map(|statement| ActionMatcher::new(&statement.action))
        .collect()
}

/// The actions of `service` (prefix `namespace`) that some matcher allows.
fn allowed_actions<'s>(
    namespace: &str,
    service: &'s AwsService,
    matchers: &[ActionMatcher],
    every: bool,
) -> Vec<&'s str> {
    let mut allowed = Vec::new();
    for action in &service.actions {
        let full = format!("{namespace}:{action}");
        if matchers.iter().any(|matcher| matcher.matches(&full)) {
            allowed.push(action.as_str());
            if !every {
                break;
            }
        }
    }
    allowed
}

/// The report of `entities` under `policies`; `accesses` are the entities' attempts
/// (of any service). `action_level` keeps tracked services' actions.
pub(crate) fn compute(
    policies: &[&Policy],
    entities: Vec<Entity>,
    accesses: &[ServiceAccess],
    action_level: bool,
) -> Report {
    let matchers = allow_matchers(policies);
    let index: HashMap<&str, usize> = entities
        .iter()
        .enumerate()
        .map(|(i, entity)| (entity.id.as_str(), i))
        .collect();
    // Attempts by service, then by action.
    let mut by_service: HashMap<&str, Vec<(&ServiceAccess, usize)>> = HashMap::new();
    for access in accesses {
        if let Some(entity) = index.get(access.principal_id.as_str()) {
            by_service
                .entry(access.service.as_str())
                .or_default()
                .push((access, *entity));
        }
    }
    let mut services = Vec::new();
    for (namespace, service) in aws_services::all() {
        let tracked = action_level && TRACKED_SERVICES.contains(&namespace.as_str());
        let allowed = allowed_actions(namespace, service, &matchers, tracked);
        if allowed.is_empty() {
            continue;
        }
        let attempts = by_service
            .get(namespace.as_str())
            .map_or(&[][..], Vec::as_slice);
        let mut by_entity: HashMap<usize, i64> = HashMap::new();
        for (access, entity) in attempts {
            let latest = by_entity.entry(*entity).or_insert(access.when);
            *latest = (*latest).max(access.when);
        }
        let actions = tracked.then(|| {
            allowed
                .iter()
                .map(|action| ActionRow {
                    name: (*action).to_owned(),
                    last: latest(
                        attempts
                            .iter()
                            .filter(|(access, _)| access.action.eq_ignore_ascii_case(action)),
                    ),
                })
                .collect()
        });
        services.push(ServiceRow {
            namespace: namespace.clone(),
            name: service.name.clone(),
            last: latest(attempts.iter()),
            by_entity,
            actions,
        });
    }
    Report { entities, services }
}

/// The latest of `attempts` (the first of equally late ones).
fn latest<'a>(attempts: impl Iterator<Item = &'a (&'a ServiceAccess, usize)>) -> Option<Attempt> {
    let mut found: Option<Attempt> = None;
    for (access, entity) in attempts {
        if found.as_ref().is_none_or(|known| access.when > known.when) {
            found = Some(Attempt {
                when: access.when,
                entity: *entity,
                region: access.region.clone(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use warden_policy::PolicyKind;

    fn policy(json: &str) -> Policy {
        Policy::parse("p", json, PolicyKind::Identity).unwrap()
    }

    fn entity(name: &str, id: &str) -> Entity {
        Entity {
            arn: format!("arn:aws:iam::111122223333:user/{name}"),
            name: name.to_owned(),
            kind: "USER",
            id: id.to_owned(),
            path: "/".to_owned(),
        }
    }

    fn access(id: &str, action: &str, when: i64) -> ServiceAccess {
        let (service, action) = action.split_once(':').unwrap();
        ServiceAccess {
            account_id: "111122223333".to_owned(),
            principal_id: id.to_owned(),
            service: service.to_owned(),
            action: action.to_owned(),
            when,
            region: format!("region-{when}"),
        }
    }

    #[test]
    fn services_are_those_an_allow_names_with_the_latest_attempt() {
        let allow = policy(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":["iam:List*","kms:Decrypt"],"Resource":"*"},
                {"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
        );
        let report = compute(
            &[&allow],
            vec![entity("alice", "AIDA1"), entity("bob", "AIDA2")],
            &[
                access("AIDA1", "iam:ListUsers", 100),
                access("AIDA2", "iam:ListRoles", 300),
                access("AIDA1", "iam:ListRoles", 200),
                access("AIDA1", "sts:GetCallerIdentity", 400),
                access("AIDA9", "kms:Decrypt", 900),
            ],
            false,
        );
        let namespaces: Vec<&str> = report
            .services
            .iter()
            .map(|s| s.namespace.as_str())
            .collect();
        assert_eq!(namespaces, ["iam", "kms"]);
        let iam = &report.services[0];
        assert_eq!(
            iam.last,
            Some(Attempt {
                when: 300,
                entity: 1,
                region: "region-300".to_owned()
            })
        );
        assert_eq!(iam.by_entity.len(), 2);
        assert_eq!(iam.actions, None);
        // kms is allowed but was never attempted by these entities.
        assert_eq!(report.services[1].last, None);
        assert!(report.services[1].by_entity.is_empty());
    }

    #[test]
    fn action_level_lists_the_allowed_actions_of_tracked_services() {
        let allow = policy(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":["iam:GetUser","iam:ListUsers","s3:GetObject"],"Resource":"*"}]}"#,
        );
        let report = compute(
            &[&allow],
            vec![entity("alice", "AIDA1")],
            &[access("AIDA1", "iam:ListUsers", 100)],
            true,
        );
        let iam = report
            .services
            .iter()
            .find(|s| s.namespace == "iam")
            .unwrap();
        let actions = iam.actions.as_ref().unwrap();
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[0].name, "GetUser");
        assert_eq!(actions[0].last, None);
        assert_eq!(actions[1].name, "ListUsers");
        assert_eq!(actions[1].last.as_ref().map(|a| a.when), Some(100));
        // S3 is not a service Warden serves: no action-level data.
        let s3 = report
            .services
            .iter()
            .find(|s| s.namespace == "s3")
            .unwrap();
        assert_eq!(s3.actions, None);
    }

    #[test]
    fn not_action_allows_every_service_it_does_not_name_whole() {
        let allow = policy(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#,
        );
        let report = compute(&[&allow], vec![], &[], false);
        assert!(report.services.iter().all(|s| s.namespace != "iam"));
        assert!(report.services.iter().any(|s| s.namespace == "kms"));
    }
}
