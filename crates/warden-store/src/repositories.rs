//! One repository trait per aggregate, reached through a [`Tx`](crate::Tx).
//!
//! Lookups return `Ok(None)` when the entity is absent; mutations that refer to a missing
//! entity return [`StoreError::NotFound`](crate::StoreError::NotFound). Names are matched
//! case-insensitively unless a method says otherwise. Rules that span rows (quotas, delete
//! conflicts, uniqueness) are checked inside the calling transaction, so they hold against
//! concurrent writes.

mod access_keys;
mod accounts;
mod groups;
mod identity_providers;
mod inline_policies;
mod instance_profiles;
mod kms;
mod login_profiles;
mod managed_policies;
mod mfa_devices;
mod organizations;
mod password_policies;
mod roles;
mod server_certificates;
mod service_accesses;
mod service_credentials;
mod signing_certificates;
mod ssh_public_keys;
mod trails;
mod users;

pub use access_keys::AccessKeys;
pub use accounts::{Accounts, WrappedKeys};
pub use groups::Groups;
pub use identity_providers::{OpenIdConnectProviders, SamlProviders};
pub use inline_policies::InlinePolicies;
pub use instance_profiles::InstanceProfiles;
pub use kms::Kms;
pub use login_profiles::LoginProfiles;
pub use managed_policies::ManagedPolicies;
pub use mfa_devices::MfaDevices;
pub use organizations::Organizations;
pub use password_policies::PasswordPolicies;
pub use roles::Roles;
pub use server_certificates::ServerCertificates;
pub use service_accesses::ServiceAccesses;
pub use service_credentials::ServiceCredentials;
pub use signing_certificates::SigningCertificates;
pub use ssh_public_keys::SshPublicKeys;
pub use trails::Trails;
pub use users::Users;
