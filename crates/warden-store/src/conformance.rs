//! The backend conformance suite (feature `test-util`).
//!
//! Every [`Store`] backend runs every check in [`CHECKS`], each against a fresh, empty
//! store, usually through [`run_conformance`]:
//!
//! ```text
//! #[test]
//! fn conformance() {
//!     let make = || Box::new(MyStore::open_in_memory().unwrap()) as Box<dyn Store>;
//!     if let Err(failures) = warden_store::conformance::run_conformance(&make) {
//!         panic!("{failures}");
//!     }
//! }
//! ```
//!
//! Checks return a [`Failure`] rather than panicking, so that one run reports every
//! failing check at once.

use std::fmt;

use crate::{AuditLog, Store, StoreError};

/// Returns a [`Failure`] naming the source line unless `$cond` holds.
macro_rules! ensure {
    ($cond:expr, $($message:tt)+) => {
        if !$cond {
            return Err($crate::conformance::Failure(format!(
                "{}:{}: {}",
                file!(),
                line!(),
                format!($($message)+)
            )));
        }
    };
}

/// Returns a [`Failure`] showing both values unless they are equal.
macro_rules! ensure_eq {
    ($left:expr, $right:expr $(,)?) => {{
        let (left, right) = (&$left, &$right);
        if left != right {
            return Err($crate::conformance::Failure(format!(
                "{}:{}: {} != {}\n  left: {:?}\n right: {:?}",
                file!(),
                line!(),
                stringify!($left),
                stringify!($right),
                left,
                right
            )));
        }
    }};
}

mod access_keys;
mod accounts;
mod audit;
mod consistency;
mod fixtures;
mod groups;
mod identity_providers;
mod instance_profiles;
mod kms;
mod login_profiles;
mod managed_policies;
mod mfa_devices;
mod organizations;
mod password_policies;
mod policies;
mod roles;
mod server_certificates;
mod service_accesses;
mod service_credentials;
mod tags;
mod trails;
mod transactions;
mod user_certificates;
mod users;

pub use audit::record as audit_record;

/// One named conformance check.
#[derive(Clone, Copy)]
pub struct Check {
    /// The check's name, for reports.
    pub name: &'static str,
    /// Runs the check against a fresh, empty store.
    pub run: fn(&dyn Store) -> Result<(), Failure>,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Why a check failed: the source location and what was observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Self(format!("unexpected store error: {error:?}"))
    }
}

/// The failed checks of one [`run_conformance`] run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConformanceFailures(pub Vec<(&'static str, Failure)>);

impl fmt::Display for ConformanceFailures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} store conformance check(s) failed:", self.0.len())?;
        for (name, failure) in &self.0 {
            writeln!(f, "- {name}: {failure}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConformanceFailures {}

/// Every conformance check.
pub const CHECKS: &[Check] = &[
    check("accounts_create_get_list", accounts::create_get_list),
    check("accounts_reject_duplicates", accounts::reject_duplicates),
    check("users_create_and_get", users::create_and_get),
    check(
        "users_unique_case_insensitively",
        users::unique_case_insensitively,
    ),
    check("users_user_id_is_unique", users::user_id_is_unique),
    check("users_require_account", users::require_account),
    check(
        "users_list_paginates_in_name_order",
        users::list_paginates_in_name_order,
    ),
    check(
        "users_list_filters_by_path_prefix",
        users::list_filters_by_path_prefix,
    ),
    check("users_delete", users::delete),
    check(
        "users_update_renames_and_moves",
        tags::update_renames_and_moves,
    ),
    check(
        "users_update_rejects_taken_names",
        tags::update_rejects_taken_names,
    ),
    check(
        "user_tags_merge_case_insensitively",
        tags::tags_merge_case_insensitively,
    ),
    check("user_tags_are_limited", tags::tags_are_limited),
    check(
        "users_delete_conflicts_with_access_keys",
        users::delete_conflicts_with_access_keys,
    ),
    check(
        "users_delete_conflicts_with_policies",
        users::delete_conflicts_with_policies,
    ),
    check(
        "user_policies_put_get_list_delete",
        policies::put_get_list_delete,
    ),
    check(
        "user_policies_upsert_case_insensitively",
        policies::upsert_case_insensitively,
    ),
    check("user_policies_require_user", policies::require_user),
    check("user_policies_are_per_user", policies::are_per_user),
    check("groups_create_get_list", groups::create_get_list),
    check(
        "groups_membership_and_its_quota",
        groups::membership_and_its_quota,
    ),
    check("groups_delete_conflicts", groups::delete_conflicts),
    check(
        "groups_rename_keeps_members_and_policies",
        groups::rename_keeps_members_and_policies,
    ),
    check(
        "group_policies_are_per_group",
        groups::group_policies_are_per_group,
    ),
    check(
        "managed_policies_create_get_list",
        managed_policies::create_get_list,
    ),
    check("managed_policy_versions", managed_policies::versions),
    check(
        "managed_policies_delete_conflicts",
        managed_policies::delete_conflicts,
    ),
    check(
        "managed_policy_tags_merge_case_insensitively",
        managed_policies::tags_merge_case_insensitively,
    ),
    check(
        "managed_policy_tags_are_limited",
        managed_policies::tags_are_limited,
    ),
    check(
        "managed_policy_attach_detach_and_quota",
        managed_policies::attach_detach_and_quota,
    ),
    check(
        "managed_policy_attachments_follow_renames",
        managed_policies::attachments_follow_renames,
    ),
    check(
        "managed_policy_attachments_block_entity_deletion",
        managed_policies::attachments_block_entity_deletion,
    ),
    check(
        "managed_policy_entities_and_boundary_usage",
        managed_policies::entities_and_boundary_usage,
    ),
    check(
        "users_set_permissions_boundary",
        managed_policies::set_permissions_boundary,
    ),
    check("roles_create_get_list", roles::create_get_list),
    check(
        "roles_unique_case_insensitively_and_by_id",
        roles::unique_case_insensitively_and_by_id,
    ),
    check(
        "roles_update_description_and_session_duration",
        roles::update_description_and_session_duration,
    ),
    check(
        "roles_trust_policy_boundary_and_last_use",
        roles::trust_policy_boundary_and_last_use,
    ),
    check(
        "role_tags_merge_and_are_limited",
        roles::tags_merge_and_are_limited,
    ),
    check("roles_delete_conflicts", roles::delete_conflicts),
    check(
        "role_policies_are_per_role",
        roles::role_policies_are_per_role,
    ),
    check(
        "managed_policy_role_attach_detach_and_quota",
        roles::managed_policy_attach_detach_and_quota,
    ),
    check(
        "managed_policy_entities_and_boundary_usage_with_roles",
        roles::managed_policy_entities_and_boundary_usage,
    ),
    check(
        "managed_policies_delete_conflicts_with_roles",
        roles::managed_policy_delete_conflicts,
    ),
    check(
        "instance_profiles_create_get_list",
        instance_profiles::create_get_list,
    ),
    check(
        "instance_profiles_unique_case_insensitively_and_by_id",
        instance_profiles::unique_case_insensitively_and_by_id,
    ),
    check(
        "instance_profile_roles_add_remove_and_quota",
        instance_profiles::roles_add_remove_and_quota,
    ),
    check(
        "instance_profile_tags_merge_and_are_limited",
        instance_profiles::tags_merge_and_are_limited,
    ),
    check(
        "instance_profiles_delete_conflicts",
        instance_profiles::delete_conflicts,
    ),
    check(
        "server_certificates_upload_get_list",
        server_certificates::upload_get_list,
    ),
    check(
        "server_certificates_unique_by_name_and_id_and_limited",
        server_certificates::unique_by_name_and_id_and_limited,
    ),
    check(
        "server_certificates_update_renames_and_moves",
        server_certificates::update_renames_and_moves,
    ),
    check(
        "server_certificate_tags_merge_and_are_limited",
        server_certificates::tags_merge_and_are_limited,
    ),
    check("server_certificates_delete", server_certificates::delete),
    check(
        "open_id_connect_providers_create_get_list_update_delete",
        identity_providers::open_id_connect_create_get_list_update_delete,
    ),
    check(
        "open_id_connect_providers_are_limited",
        identity_providers::open_id_connect_providers_are_limited,
    ),
    check(
        "saml_providers_create_get_list_update_delete",
        identity_providers::saml_create_get_list_update_delete,
    ),
    check(
        "saml_providers_are_limited",
        identity_providers::saml_providers_are_limited,
    ),
    check(
        "saml_provider_tags_merge_and_are_limited",
        identity_providers::saml_tags_merge_and_are_limited,
    ),
    check(
        "access_keys_create_and_look_up",
        access_keys::create_and_look_up,
    ),
    check("access_keys_limit_per_user", access_keys::limit_per_user),
    check("access_keys_ids_are_unique", access_keys::ids_are_unique),
    check("access_keys_require_owner", access_keys::require_owner),
    check("access_keys_update_status", access_keys::update_status),
    check("access_keys_delete", access_keys::delete),
    check(
        "access_keys_record_and_report_last_use",
        access_keys::record_and_report_last_use,
    ),
    check(
        "accounts_aliases_set_replace_remove_and_are_unique",
        accounts::aliases_set_replace_remove_and_are_unique,
    ),
    check(
        "accounts_outbound_federation_set_and_replace",
        accounts::outbound_federation_set_and_replace,
    ),
    check(
        "service_accesses_record_keeps_the_latest_per_action",
        service_accesses::record_keeps_the_latest_per_action,
    ),
    check(
        "password_policies_put_get_delete",
        password_policies::put_get_delete,
    ),
    check(
        "login_profiles_create_get_list",
        login_profiles::create_get_list,
    ),
    check(
        "login_profiles_update_and_delete",
        login_profiles::update_and_delete,
    ),
    check(
        "login_profiles_follow_user_renames",
        login_profiles::follow_user_renames,
    ),
    check(
        "service_credentials_lifecycle_quota_and_conflicts",
        service_credentials::lifecycle_quota_and_conflicts,
    ),
    check(
        "ssh_public_keys_upload_list_update_delete",
        user_certificates::ssh_public_keys_upload_list_update_delete,
    ),
    check(
        "signing_certificates_upload_list_update_delete",
        user_certificates::signing_certificates_upload_list_update_delete,
    ),
    check(
        "users_delete_conflicts_with_credentials",
        users::delete_conflicts_with_credentials,
    ),
    check("mfa_devices_create_get_list", mfa_devices::create_get_list),
    check(
        "mfa_devices_enable_deactivate_and_assigned_to",
        mfa_devices::enable_deactivate_and_assigned_to,
    ),
    check("mfa_devices_quota_per_owner", mfa_devices::quota_per_owner),
    check("mfa_devices_set_last_step", mfa_devices::set_last_step),
    check(
        "mfa_device_tags_merge_and_are_limited",
        mfa_devices::tags_merge_and_are_limited,
    ),
    check(
        "mfa_devices_delete_conflicts",
        mfa_devices::delete_conflicts,
    ),
    check(
        "mfa_device_assignments_follow_user_renames",
        mfa_devices::assignments_follow_user_renames,
    ),
    check(
        "wrapped_keys_first_writer_wins",
        consistency::wrapped_keys_first_writer_wins,
    ),
    check(
        "generation_bumps_on_successful_writes_only",
        consistency::generation_bumps_on_successful_writes_only,
    ),
    check(
        "snapshot_source_reads_everything",
        consistency::snapshot_source_reads_everything,
    ),
    check(
        "concurrent_key_creation_respects_the_limit",
        consistency::concurrent_key_creation_respects_the_limit,
    ),
    check(
        "concurrent_user_creation_keeps_names_unique",
        consistency::concurrent_user_creation_keeps_names_unique,
    ),
    check(
        "snapshot_generation_matches_its_data_under_writes",
        consistency::snapshot_generation_matches_its_data_under_writes,
    ),
    check(
        "kms_keys_aliases_and_grants_round_trip",
        kms::keys_aliases_and_grants_round_trip,
    ),
    check(
        "organizations_tree_round_trips_and_deletes",
        organizations::tree_round_trips_and_deletes,
    ),
    check(
        "organizations_report_conflicts_and_absence",
        organizations::report_conflicts_and_absence,
    ),
    check(
        "trails_create_get_list_update_delete",
        trails::create_get_list_update_delete,
    ),
    check(
        "trails_report_conflicts_and_absence",
        trails::report_conflicts_and_absence,
    ),
    check(
        "trails_delivery_record_round_trips",
        trails::delivery_record_round_trips,
    ),
    check(
        "transactions_discarded_write_changes_nothing",
        transactions::discarded_write_changes_nothing,
    ),
    check(
        "transactions_concurrent_writes_keep_their_own_outcomes",
        transactions::concurrent_writes_keep_their_own_outcomes,
    ),
    check(
        "transactions_commit_callbacks_follow_the_order_of_kept_writes",
        transactions::commit_callbacks_follow_the_order_of_kept_writes,
    ),
];

/// One named conformance check of an [`AuditLog`] backend.
#[derive(Clone, Copy)]
pub struct AuditCheck {
    /// The check's name, for reports.
    pub name: &'static str,
    /// Runs the check against a fresh, empty audit log.
    pub run: fn(&dyn AuditLog) -> Result<(), Failure>,
}

impl fmt::Debug for AuditCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditCheck")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Every audit-log conformance check.
pub const AUDIT_CHECKS: &[AuditCheck] = &[
    audit_check(
        "audit_append_chains_consecutively",
        audit::append_chains_consecutively,
    ),
    audit_check(
        "audit_lookup_is_newest_first_and_paginates",
        audit::lookup_is_newest_first_and_paginates,
    ),
    audit_check(
        "audit_lookup_filters_by_account_and_time",
        audit::lookup_filters_by_account_and_time,
    ),
    audit_check(
        "audit_lookup_filters_by_each_attribute",
        audit::lookup_filters_by_each_attribute,
    ),
    audit_check(
        "audit_lookup_rejects_malformed_tokens",
        audit::lookup_rejects_malformed_tokens,
    ),
    audit_check(
        "audit_concurrent_appends_form_one_chain",
        audit::concurrent_appends_form_one_chain,
    ),
    audit_check(
        "audit_pruning_keeps_the_rest_verifiable",
        audit::pruning_keeps_the_rest_verifiable,
    ),
];

/// Runs every check in [`AUDIT_CHECKS`], each on a fresh audit log from `make`, and reports
/// all failures.
///
/// # Errors
///
/// The failed checks, with what each observed.
pub fn run_audit_conformance(
    make: &dyn Fn() -> Box<dyn AuditLog>,
) -> Result<(), ConformanceFailures> {
    let failures: Vec<_> = AUDIT_CHECKS
        .iter()
        .filter_map(|check| {
            let log = make();
            (check.run)(log.as_ref())
                .err()
                .map(|failure| (check.name, failure))
        })
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(ConformanceFailures(failures))
    }
}

/// An [`AuditCheck`] (a `const fn` so that [`AUDIT_CHECKS`] can be a constant).
const fn audit_check(
    name: &'static str,
    run: fn(&dyn AuditLog) -> Result<(), Failure>,
) -> AuditCheck {
    AuditCheck { name, run }
}

/// Runs every check in [`CHECKS`], each on a fresh store from `make`, and reports all
/// failures.
///
/// # Errors
///
/// The failed checks, with what each observed.
pub fn run_conformance(make: &dyn Fn() -> Box<dyn Store>) -> Result<(), ConformanceFailures> {
    let failures: Vec<_> = CHECKS
        .iter()
        .filter_map(|check| {
            let store = make();
            (check.run)(store.as_ref())
                .err()
                .map(|failure| (check.name, failure))
        })
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(ConformanceFailures(failures))
    }
}

/// A [`Check`] (a `const fn` so that [`CHECKS`] can be a constant).
const fn check(name: &'static str, run: fn(&dyn Store) -> Result<(), Failure>) -> Check {
    Check { name, run }
}

/// Checks that `result` is exactly the error `expected`.
fn ensure_error<T: fmt::Debug>(
    result: Result<T, StoreError>,
    expected: &StoreError,
    context: &str,
) -> Result<(), Failure> {
    match result {
        Err(error) if error == *expected => Ok(()),
        other => Err(Failure(format!(
            "{context}: expected Err({expected:?}), got {other:?}"
        ))),
    }
}
