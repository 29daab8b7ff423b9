//! The AWS managed policies (`arn:aws:iam::aws:policy/…`) every account has: read from the
//! catalog Warden embeds (`data/aws-managed-policies.json.gz`, made by `xtask codegen` from
//! `../shared/aws-data/aws-managed-policies.json`), parsed once on first use. They can be
//! attached and read, never changed. Their ids are derived from their ARNs, so they are the
//! same on every Warden.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::sync::LazyLock;

use jiff::Timestamp;
use warden_policy::{ParseOptions, Policy, PolicyKind};

/// The compressed catalog.
const CATALOG_GZ: &[u8] = include_bytes!("../data/aws-managed-policies.json.gz");

/// The account AWS managed policy ARNs name instead of a number.
pub(crate) const AWS_ACCOUNT: &str = "aws";

/// One AWS managed policy: its default version only (the catalog carries no other).
#[derive(Debug)]
pub(crate) struct AwsManagedPolicy {
    /// The policy name, e.g. `ReadOnlyAccess`.
    pub(crate) name: String,
    /// The IAM path, e.g. `/` or `/job-function/`.
    pub(crate) path: String,
    /// The default version's number (`v190` → 190).
    pub(crate) default_version: u32,
    /// The default version's document (JSON text).
    pub(crate) document: String,
    /// When AWS created the policy.
    pub(crate) create_date: Timestamp,
    /// When its default version last changed.
    pub(crate) update_date: Timestamp,
}

impl AwsManagedPolicy {
    /// The policy's ARN in `partition`.
    pub(crate) fn arn(&self, partition: &str) -> String {
        format!(
            "arn:{partition}:iam::{AWS_ACCOUNT}:policy{}{}",
            self.path, self.name
        )
    }

    /// The default version compiled for evaluation, under AWS's rules for its own
    /// documents (see [`ParseOptions::authored_by_aws`]).
    pub(crate) fn compile(&self, arn: &str) -> Result<Policy, String> {
        let options = ParseOptions {
            authored_by_aws: true,
            ..ParseOptions::default()
        };
        Policy::parse_with(
            arn.to_owned(),
            &self.document,
            PolicyKind::Identity,
            options,
        )
        .map_err(|error| format!("{arn}: {error}"))
    }

    /// The policy's id (`ANPA…`), derived from its ARN in the `aws` partition.
    pub(crate) fn policy_id(&self) -> String {
        warden_crypto::credentials::derived_unique_id(
            warden_crypto::credentials::UniqueIdPrefix::ManagedPolicy,
            self.arn("aws").as_bytes(),
        )
    }
}

/// The catalog by name (names are unique among AWS managed policies).
static CATALOG: LazyLock<BTreeMap<String, AwsManagedPolicy>> = LazyLock::new(|| {
    load().unwrap_or_else(|error| {
        // The catalog is embedded at build time, so this is a broken build: no AWS managed
        // policy can then be attached (fail closed), and the cause is logged.
        tracing::error!(%error, "the embedded AWS managed policies catalog cannot be read");
        BTreeMap::new()
    })
});

/// Every AWS managed policy, by name.
pub(crate) fn all() -> &'static BTreeMap<String, AwsManagedPolicy> {
    &CATALOG
}

/// The AWS managed policy this ARN names (in any partition), if there is one.
pub(crate) fn by_arn(arn: &str) -> Option<&'static AwsManagedPolicy> {
    let parts = warden_policy::ArnParts::parse(arn)?;
    if parts.service != "iam" || !parts.region.is_empty() || parts.account != AWS_ACCOUNT {
        return None;
    }
    let resource = parts.resource;
    let path_and_name = resource.strip_prefix("policy")?;
    let name = path_and_name.rsplit('/').next()?;
    CATALOG
        .get(name)
        .filter(|policy| format!("{}{}", policy.path, policy.name) == path_and_name)
}

fn load() -> Result<BTreeMap<String, AwsManagedPolicy>, String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(CATALOG_GZ)
        .read_to_string(&mut text)
        .map_err(|error| error.to_string())?;
    let entries: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).map_err(|error| error.to_string())?;
    entries
        .into_iter()
        .map(|(name, entry)| {
            let field = |key: &str| entry.get(key).and_then(serde_json::Value::as_str);
            let date = |key: &str| {
                field(key)
                    .and_then(|text| text.parse::<Timestamp>().ok())
                    .ok_or_else(|| format!("{name}: {key} missing or not a date"))
            };
            let default_version = field("DefaultVersionId")
                .and_then(|id| id.strip_prefix('v'))
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("{name}: DefaultVersionId missing"))?;
            let document = entry
                .get("Document")
                .map(|document| crate::json::sorted(document.clone()).to_string())
                .ok_or_else(|| format!("{name}: Document missing"))?;
            let policy = AwsManagedPolicy {
                path: field("Path").unwrap_or("/").to_owned(),
                default_version,
                document,
                create_date: date("CreateDate")?,
                update_date: date("UpdateDate")?,
                name: name.clone(),
            };
            Ok((name, policy))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_the_policies_the_courses_use() {
        let admin = by_arn("arn:aws:iam::aws:policy/AdministratorAccess").unwrap();
        assert_eq!((admin.path.as_str(), admin.default_version), ("/", 1));
        assert!(admin.document.contains("\"Action\":\"*\""));
        assert!(by_arn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess").is_some());
        assert!(
            by_arn("arn:aws:iam::aws:policy/ViewOnlyAccess").is_none(),
            "wrong path"
        );
        assert!(by_arn("arn:aws:iam::123456789012:policy/AdministratorAccess").is_none());
        assert!(all().len() > 1000);
        assert!(admin.policy_id().starts_with("ANPA"));
        assert_eq!(admin.policy_id(), admin.policy_id());
    }

    #[test]
    fn every_aws_managed_policy_compiles() {
        let broken: Vec<String> = all()
            .values()
            .filter_map(|policy| policy.compile(&policy.arn("aws")).err())
            .collect();
        assert!(
            broken.is_empty(),
            "{} do not compile: {broken:?}",
            broken.len()
        );
    }
}
