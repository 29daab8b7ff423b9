//! Records the checks create.

use crate::{
    AccessKeyRecord, AccessKeyStatus, AccountRecord, DEFAULT_MAX_SESSION_DURATION, GroupRecord,
    InlinePolicyRecord, InstanceProfileRecord, LoginProfileRecord, ManagedPolicyRecord,
    MfaDeviceRecord, RoleRecord, Store, StoreError, StoreExt, UserRecord,
};

use super::Failure;

/// The account most checks use.
pub(super) const ACCOUNT: &str = "111122223333";
/// A second account, for isolation checks.
pub(super) const OTHER_ACCOUNT: &str = "444455556666";

/// An account record created at a fixed time.
pub(super) fn account(account_id: &str) -> AccountRecord {
    AccountRecord {
        account_id: account_id.to_owned(),
        create_date: 1_700_000_000_000,
    }
}

/// A unique id in AWS's shape, derived from the account and the entity's name.
fn unique_id(prefix: &str, account_id: &str, name: &str) -> String {
    let suffix: String = format!("{account_id}{name}")
        .bytes()
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    format!("{prefix}{suffix}")
}

/// A user record with a unique id derived from the account and name.
pub(super) fn user(account_id: &str, user_name: &str) -> UserRecord {
    user_at(account_id, "/", user_name)
}

/// A user record with the given path.
pub(super) fn user_at(account_id: &str, path: &str, user_name: &str) -> UserRecord {
    UserRecord {
        account_id: account_id.to_owned(),
        user_name: user_name.to_owned(),
        user_id: unique_id("AIDA", account_id, user_name),
        path: path.to_owned(),
        arn: format!("arn:aws:iam::{account_id}:user{path}{user_name}"),
        create_date: 1_700_000_000_123,
        tags: Vec::new(),
        permissions_boundary: None,
    }
}

/// A group record with a unique id derived from the account and name.
pub(super) fn group(account_id: &str, path: &str, group_name: &str) -> GroupRecord {
    GroupRecord {
        account_id: account_id.to_owned(),
        group_name: group_name.to_owned(),
        group_id: unique_id("AGPA", account_id, group_name),
        path: path.to_owned(),
        arn: format!("arn:aws:iam::{account_id}:group{path}{group_name}"),
        create_date: 1_700_000_000_456,
    }
}

/// A trust policy letting EC2 assume a role.
pub(super) const TRUST_EC2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// A role record, trusting EC2, never used, with a unique id derived from the account and
/// name.
pub(super) fn role(account_id: &str, path: &str, role_name: &str) -> RoleRecord {
    RoleRecord {
        account_id: account_id.to_owned(),
        role_name: role_name.to_owned(),
        role_id: unique_id("AROA", account_id, role_name),
        path: path.to_owned(),
        arn: format!("arn:aws:iam::{account_id}:role{path}{role_name}"),
        create_date: 1_700_000_000_321,
        assume_role_policy_document: TRUST_EC2.to_owned(),
        description: None,
        max_session_duration: DEFAULT_MAX_SESSION_DURATION,
        permissions_boundary: None,
        tags: Vec::new(),
        last_used: None,
    }
}

/// An instance profile record without tags or roles, with a unique id derived from the
/// account and name.
pub(super) fn instance_profile(account_id: &str, path: &str, name: &str) -> InstanceProfileRecord {
    InstanceProfileRecord {
        account_id: account_id.to_owned(),
        instance_profile_name: name.to_owned(),
        instance_profile_id: unique_id("AIPA", account_id, name),
        path: path.to_owned(),
        arn: format!("arn:aws:iam::{account_id}:instance-profile{path}{name}"),
        create_date: 1_700_000_000_654,
        tags: Vec::new(),
        roles: Vec::new(),
    }
}

/// A server certificate record (sealed key stand-in bytes, no chain), with a unique id
/// derived from the account and name.
pub(super) fn server_certificate(
    account_id: &str,
    path: &str,
    name: &str,
) -> crate::ServerCertificateRecord {
    crate::ServerCertificateRecord {
        account_id: account_id.to_owned(),
        server_certificate_name: name.to_owned(),
        server_certificate_id: unique_id("ASCA", account_id, name),
        path: path.to_owned(),
        arn: format!("arn:aws:iam::{account_id}:server-certificate{path}{name}"),
        certificate_body: format!(
            "-----BEGIN CERTIFICATE-----\n{name}\n-----END CERTIFICATE-----\n"
        ),
        certificate_chain: None,
        private_key_sealed: vec![1, 2, 3, 4],
        upload_date: 1_700_000_000_777,
        expiration: 4_000_000_000_000,
        tags: Vec::new(),
    }
}

/// A customer managed policy record, version 1 its default, with a unique id derived from
/// the account and name.
pub(super) fn managed_policy(
    account_id: &str,
    path: &str,
    policy_name: &str,
) -> ManagedPolicyRecord {
    ManagedPolicyRecord {
        account_id: account_id.to_owned(),
        policy_name: policy_name.to_owned(),
        policy_id: unique_id("ANPA", account_id, policy_name),
        path: path.to_owned(),
        arn: format!("arn:aws:iam::{account_id}:policy{path}{policy_name}"),
        description: None,
        default_version: 1,
        create_date: 1_700_000_000_789,
        update_date: 1_700_000_000_789,
        tags: Vec::new(),
    }
}

/// An inline policy record of a user, group or role named `holder_name`.
pub(super) fn policy(
    account_id: &str,
    holder_name: &str,
    policy_name: &str,
    document: &str,
) -> InlinePolicyRecord {
    InlinePolicyRecord {
        account_id: account_id.to_owned(),
        holder_name: holder_name.to_owned(),
        policy_name: policy_name.to_owned(),
        document: document.to_owned(),
    }
}

/// An active access key record with recognisable sealed bytes.
pub(super) fn key(
    account_id: &str,
    user_name: Option<&str>,
    access_key_id: &str,
) -> AccessKeyRecord {
    AccessKeyRecord {
        account_id: account_id.to_owned(),
        user_name: user_name.map(str::to_owned),
        access_key_id: access_key_id.to_owned(),
        secret_sealed: sealed_bytes(access_key_id),
        status: AccessKeyStatus::Active,
        create_date: 1_700_000_001_000,
    }
}

/// A login profile of the user, never used, with one previous password.
pub(super) fn login_profile(account_id: &str, user_name: &str) -> LoginProfileRecord {
    LoginProfileRecord {
        account_id: account_id.to_owned(),
        user_name: user_name.to_owned(),
        password_hash_sealed: sealed_bytes(&format!("{user_name}-current")),
        previous_hashes_sealed: vec![sealed_bytes(&format!("{user_name}-previous"))],
        password_reset_required: true,
        create_date: 1_700_000_002_000,
        password_last_changed: 1_700_000_002_000,
        password_last_used: None,
    }
}

/// An unassigned virtual MFA device without tags, its serial number the ARN of its path and
/// name.
pub(super) fn mfa_device(account_id: &str, path: &str, name: &str) -> MfaDeviceRecord {
    MfaDeviceRecord {
        account_id: account_id.to_owned(),
        serial_number: mfa_serial(account_id, path, name),
        name: name.to_owned(),
        path: path.to_owned(),
        seed_sealed: sealed_bytes(name),
        create_date: 1_700_000_003_000,
        assignment: None,
        enable_date: None,
        last_step: None,
        tags: Vec::new(),
    }
}

/// The serial number (ARN) of the virtual MFA device at this path with this name.
pub(super) fn mfa_serial(account_id: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:mfa{path}{name}")
}

/// Opaque "sealed" bytes, including zeros and high bytes, derived from `seed`.
pub(super) fn sealed_bytes(seed: &str) -> Vec<u8> {
    let mut bytes = vec![1, 0, 255, 0x80];
    bytes.extend(seed.bytes().map(|b| b.wrapping_mul(37)));
    bytes
}

/// Creates the main account and a user in it.
pub(super) fn account_with_user(store: &dyn Store, user_name: &str) -> Result<UserRecord, Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let record = user(ACCOUNT, user_name);
    store.write(|tx| tx.users().create(&record))?;
    Ok(record)
}

/// Runs `write(i)` for every `i` below `writers`, each on its own thread, all at once; their
/// results in order of `i` (a panicked thread counts as a backend error).
pub(super) fn concurrently<T: Send>(
    writers: usize,
    write: impl Fn(usize) -> Result<T, StoreError> + Sync,
) -> Vec<Result<T, StoreError>> {
    std::thread::scope(|scope| {
        let write = &write;
        let handles: Vec<_> = (0..writers)
            .map(|i| scope.spawn(move || write(i)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(StoreError::Backend("writer thread panicked".to_owned()))
                })
            })
            .collect()
    })
}
