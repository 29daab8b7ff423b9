//! The account as a whole: GetAccountAuthorizationDetails (the snapshot of every user,
//! group, role and policy that security tools consume), GetAccountSummary, the credential
//! report and the account alias.

mod aliases;
mod authorization_details;
mod credential_report;
mod summary;

pub(crate) use credential_report::{
    CredentialReports, GenerateCredentialReport, GetCredentialReport,
};
pub(crate) use summary::GetAccountSummary;
