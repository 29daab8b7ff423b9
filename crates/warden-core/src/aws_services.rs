//! The AWS services, by prefix, with their names and actions: read from the catalog Warden
//! embeds (`data/aws-services.json.gz`, made by `xtask codegen` from the service
//! authorization reference), parsed once on first use. IAM's service last accessed reports
//! list the services an entity's policies could be used for from it.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::sync::LazyLock;

/// The compressed catalog.
const CATALOG_GZ: &[u8] = include_bytes!("../data/aws-services.json.gz");

/// One AWS service.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct AwsService {
    /// Its name, e.g. `AWS Identity and Access Management (IAM)`.
    pub(crate) name: String,
    /// Its actions without the prefix, sorted (`AddClientIDToOpenIDConnectProvider`, …).
    pub(crate) actions: Vec<String>,
}

/// Every service, by prefix (`iam`, `kms`, …), in prefix order.
pub(crate) fn all() -> &'static BTreeMap<String, AwsService> {
    &CATALOG
}

static CATALOG: LazyLock<BTreeMap<String, AwsService>> = LazyLock::new(|| {
    load().unwrap_or_else(|error| {
        // Embedded at build time, so this is a broken build: reports then list no service.
        tracing::error!(%error, "the embedded AWS services catalog cannot be read");
        BTreeMap::new()
    })
});

fn load() -> Result<BTreeMap<String, AwsService>, String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(CATALOG_GZ)
        .read_to_string(&mut text)
        .map_err(|error| error.to_string())?;
    serde_json::from_str(&text).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_the_services_warden_serves() {
        for prefix in ["iam", "sts", "kms", "cloudtrail", "organizations", "s3"] {
            let service = all().get(prefix);
            assert!(service.is_some(), "{prefix} missing");
        }
        let iam = &all()["iam"];
        assert!(iam.actions.iter().any(|action| action == "CreateUser"));
        assert!(all().len() > 300, "{} services", all().len());
    }
}
