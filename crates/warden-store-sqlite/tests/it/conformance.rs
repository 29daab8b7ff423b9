//! The store conformance suite against both SQLite stores: one test per check and backend.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a store that does not open, or a failed check, is the test failing"
)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use warden_store::Store;
use warden_store::conformance::{CHECKS, run_conformance};
use warden_store_sqlite::SqliteStore;

/// A fresh in-memory store (one connection for reads and writes, commits not shared).
fn in_memory() -> (Option<tempfile::TempDir>, Box<dyn Store>) {
    (None, Box::new(SqliteStore::open_in_memory().unwrap()))
}

/// A fresh store on disk (reads on their own connection, commits shared).
fn on_disk() -> (Option<tempfile::TempDir>, Box<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("store.sqlite")).unwrap();
    (Some(dir), Box::new(store))
}

/// Runs the conformance check of this name against a fresh store.
fn run(name: &str, make: fn() -> (Option<tempfile::TempDir>, Box<dyn Store>)) {
    let check = CHECKS
        .iter()
        .find(|check| check.name == name)
        .unwrap_or_else(|| panic!("no conformance check named {name}"));
    let (_dir, store) = make();
    if let Err(failure) = (check.run)(store.as_ref()) {
        panic!("{name}: {failure}");
    }
}

/// One test per check and backend, so that nextest runs, filters and reports each.
macro_rules! conformance_tests {
    ($($check:ident),+ $(,)?) => {
        /// The checks that have a test here.
        const TESTED: &[&str] = &[$(stringify!($check)),+];

        mod in_memory {
            $(#[test]
            fn $check() {
                super::run(stringify!($check), super::in_memory);
            })+
        }

        mod on_disk {
            $(#[test]
            fn $check() {
                super::run(stringify!($check), super::on_disk);
            })+
        }
    };
}

conformance_tests![
    accounts_create_get_list,
    accounts_reject_duplicates,
    users_create_and_get,
    users_unique_case_insensitively,
    users_user_id_is_unique,
    users_require_account,
    users_list_paginates_in_name_order,
    users_list_filters_by_path_prefix,
    users_delete,
    users_update_renames_and_moves,
    users_update_rejects_taken_names,
    user_tags_merge_case_insensitively,
    user_tags_are_limited,
    users_delete_conflicts_with_access_keys,
    users_delete_conflicts_with_policies,
    user_policies_put_get_list_delete,
    user_policies_upsert_case_insensitively,
    user_policies_require_user,
    user_policies_are_per_user,
    groups_create_get_list,
    groups_membership_and_its_quota,
    groups_delete_conflicts,
    groups_rename_keeps_members_and_policies,
    group_policies_are_per_group,
    managed_policies_create_get_list,
    managed_policy_versions,
    managed_policies_delete_conflicts,
    managed_policy_tags_merge_case_insensitively,
    managed_policy_tags_are_limited,
    managed_policy_attach_detach_and_quota,
    managed_policy_attachments_follow_renames,
    managed_policy_attachments_block_entity_deletion,
    managed_policy_entities_and_boundary_usage,
    users_set_permissions_boundary,
    roles_create_get_list,
    roles_unique_case_insensitively_and_by_id,
    roles_update_description_and_session_duration,
    roles_trust_policy_boundary_and_last_use,
    role_tags_merge_and_are_limited,
    roles_delete_conflicts,
    role_policies_are_per_role,
    managed_policy_role_attach_detach_and_quota,
    managed_policy_entities_and_boundary_usage_with_roles,
    managed_policies_delete_conflicts_with_roles,
    instance_profiles_create_get_list,
    instance_profiles_unique_case_insensitively_and_by_id,
    instance_profile_roles_add_remove_and_quota,
    instance_profile_tags_merge_and_are_limited,
    instance_profiles_delete_conflicts,
    server_certificates_upload_get_list,
    server_certificates_unique_by_name_and_id_and_limited,
    server_certificates_update_renames_and_moves,
    server_certificate_tags_merge_and_are_limited,
    server_certificates_delete,
    open_id_connect_providers_create_get_list_update_delete,
    open_id_connect_providers_are_limited,
    saml_providers_create_get_list_update_delete,
    saml_providers_are_limited,
    saml_provider_tags_merge_and_are_limited,
    access_keys_create_and_look_up,
    access_keys_limit_per_user,
    access_keys_ids_are_unique,
    access_keys_require_owner,
    access_keys_update_status,
    access_keys_delete,
    access_keys_record_and_report_last_use,
    accounts_aliases_set_replace_remove_and_are_unique,
    accounts_outbound_federation_set_and_replace,
    password_policies_put_get_delete,
    service_accesses_record_keeps_the_latest_per_action,
    login_profiles_create_get_list,
    service_credentials_lifecycle_quota_and_conflicts,
    login_profiles_update_and_delete,
    login_profiles_follow_user_renames,
    ssh_public_keys_upload_list_update_delete,
    signing_certificates_upload_list_update_delete,
    users_delete_conflicts_with_credentials,
    mfa_devices_create_get_list,
    mfa_devices_enable_deactivate_and_assigned_to,
    mfa_devices_quota_per_owner,
    mfa_devices_set_last_step,
    mfa_device_tags_merge_and_are_limited,
    mfa_devices_delete_conflicts,
    mfa_device_assignments_follow_user_renames,
    wrapped_keys_first_writer_wins,
    generation_bumps_on_successful_writes_only,
    snapshot_source_reads_everything,
    concurrent_key_creation_respects_the_limit,
    concurrent_user_creation_keeps_names_unique,
    snapshot_generation_matches_its_data_under_writes,
    kms_keys_aliases_and_grants_round_trip,
    organizations_tree_round_trips_and_deletes,
    organizations_report_conflicts_and_absence,
    trails_create_get_list_update_delete,
    trails_report_conflicts_and_absence,
    trails_delivery_record_round_trips,
    transactions_discarded_write_changes_nothing,
    transactions_concurrent_writes_keep_their_own_outcomes,
    transactions_commit_callbacks_follow_the_order_of_kept_writes,
];

#[test]
fn every_check_has_a_test() {
    let mut tested: Vec<&str> = TESTED.to_vec();
    let mut checks: Vec<&str> = CHECKS.iter().map(|check| check.name).collect();
    tested.sort_unstable();
    checks.sort_unstable();
    assert_eq!(tested, checks, "add the new check to conformance_tests!");
}

/// The whole suite through the runner backends use, with a store per check on one
/// directory (as a deployment would open them).
#[test]
fn whole_suite_runs_through_run_conformance() {
    let dir = tempfile::tempdir().unwrap();
    let counter = AtomicUsize::new(0);
    let make = || {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        let path: PathBuf = dir.path().join(format!("store-{n}.sqlite"));
        Box::new(SqliteStore::open(&path).unwrap()) as Box<dyn Store>
    };
    if let Err(failures) = run_conformance(&make) {
        panic!("{failures}");
    }
}
