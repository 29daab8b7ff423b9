//! GenerateCredentialReport and GetCredentialReport: AWS's CSV of every user's credentials
//! (the root user's row first), with AWS's columns and value formats (`N/A`,
//! `not_supported`, `no_information` where AWS writes them). A report is kept for four
//! hours, in memory; generating it again within that time answers `COMPLETE`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use warden_protocol::iam::{
    GenerateCredentialReportResponse, GetCredentialReportResponse, errors, operations,
};
use warden_store::{
    AccessKeyRecord, AccessKeyStatus, LoginProfileRecord, MfaAssignment, PageRequest,
    SigningCertificateRecord, UserRecord,
};

use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

crate::operation::no_input!(
    /// GenerateCredentialReport's (absent) input.
    GenerateCredentialReport,
    operations::GENERATE_CREDENTIAL_REPORT,
    GenerateCredentialReportResponse
);
crate::operation::no_input!(
    /// GetCredentialReport's (absent) input.
    GetCredentialReport,
    operations::GET_CREDENTIAL_REPORT,
    GetCredentialReportResponse
);

/// How long a report stays current (AWS: four hours).
const REPORT_LIFETIME_MS: i64 = 4 * 60 * 60 * 1000;

/// AWS's columns, in order.
const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// When a report was generated (epoch milliseconds) and its CSV.
type Report = (i64, Arc<Vec<u8>>);

/// The latest report of each account.
#[derive(Debug, Default)]
pub(crate) struct CredentialReports {
    reports: Mutex<HashMap<String, Report>>,
}

impl CredentialReports {
    fn latest(&self, account: &str) -> Option<Report> {
        let reports = self
            .reports
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        reports.get(account).cloned()
    }

    fn keep(&self, account: &str, generated: i64, csv: Vec<u8>) {
        let mut reports = self
            .reports
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        reports.insert(account.to_owned(), (generated, Arc::new(csv)));
    }
}

impl Handle for GenerateCredentialReport {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GenerateCredentialReportResponse, ServiceError> {
        let ctx = call.ctx;
        let now = ctx.warden.now().as_millisecond();
        let reports = &ctx.warden.credential_reports;
        if let Some((generated, _)) = reports.latest(ctx.account())
            && now - generated < REPORT_LIFETIME_MS
        {
            return Ok(GenerateCredentialReportResponse {
                state: Some("COMPLETE".to_owned()),
                description: None,
            });
        }
        let csv = report(call)?;
        reports.keep(ctx.account(), now, csv);
        Ok(GenerateCredentialReportResponse {
            state: Some("STARTED".to_owned()),
            description: Some("No report exists. Starting a new report generation task".to_owned()),
        })
    }
}

impl Handle for GetCredentialReport {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetCredentialReportResponse, ServiceError> {
        let ctx = call.ctx;
        let Some((generated, csv)) = ctx.warden.credential_reports.latest(ctx.account()) else {
            return Err(ServiceError::modeled(
                &errors::CREDENTIAL_REPORT_NOT_PRESENT,
                "Credential report does not exist. Use GenerateCredentialReport to generate a credential report.",
            ));
        };
        if ctx.warden.now().as_millisecond() - generated >= REPORT_LIFETIME_MS {
            return Err(ServiceError::modeled(
                &errors::CREDENTIAL_REPORT_EXPIRED,
                "Credential report is expired. Use GenerateCredentialReport to generate a new credential report.",
            ));
        }
        Ok(GetCredentialReportResponse {
            content: Some(csv.as_ref().clone()),
            report_format: Some("text/csv".to_owned()),
            generated_time: Some(timestamp(generated)),
        })
    }
}

/// The report's CSV, as of now.
fn report(call: &Authorized<'_, '_>) -> Result<Vec<u8>, ServiceError> {
    let ctx = call.ctx;
    let account = ctx.account();
    let mut users = Vec::new();
    let mut page = PageRequest::first(1000);
    loop {
        let found = call.read(|tx| tx.users().list(account, None, &page))?;
        users.extend(found.items);
        match found.next_marker {
            Some(marker) => page.marker = Some(marker),
            None => break,
        }
    }
    let profiles: HashMap<String, LoginProfileRecord> = call
        .read(|tx| tx.login_profiles().list(account))?
        .into_iter()
        .map(|profile| (profile.user_name.to_ascii_lowercase(), profile))
        .collect();
    let devices = call.read(|tx| tx.mfa_devices().list(account))?;
    let has_mfa =
        |owner: &MfaAssignment| devices.iter().any(|d| d.assignment.as_ref() == Some(owner));
    let policy = call.read(|tx| tx.password_policies().get(account))?;
    let max_age_ms = policy
        .and_then(|policy| policy.max_password_age)
        .map(|days| i64::from(days) * 24 * 60 * 60 * 1000);
    let created = call
        .read(|tx| tx.accounts().get(account))?
        .map_or(0, |a| a.create_date);

    let mut csv = String::with_capacity(256 * (users.len() + 2));
    csv.push_str(HEADER);
    let root_keys = call.read(|tx| tx.access_keys().list(account, None))?;
    let certificates = call.read(|tx| tx.signing_certificates().list_all(account))?;
    let certificates_of = |user: Option<&str>| -> Vec<&SigningCertificateRecord> {
        certificates
            .iter()
            .filter(|c| {
                c.user_name.as_deref().map(str::to_ascii_lowercase)
                    == user.map(str::to_ascii_lowercase)
            })
            .collect()
    };
    let root = Row {
        user: "<root_account>".to_owned(),
        arn: format!("arn:{}:iam::{account}:root", ctx.partition()),
        created,
        password: [
            "not_supported".to_owned(),
            "no_information".to_owned(),
            "not_supported".to_owned(),
            "not_supported".to_owned(),
        ],
        mfa: has_mfa(&MfaAssignment::Root),
    };
    root.write(call, &root_keys, &certificates_of(None), &mut csv)?;
    for user in users {
        let profile = profiles.get(&user.user_name.to_ascii_lowercase());
        let keys = call.read(|tx| tx.access_keys().list(account, Some(&user.user_name)))?;
        let row = user_row(
            &user,
            profile,
            max_age_ms,
            has_mfa(&MfaAssignment::User(user.user_name.clone())),
        );
        row.write(
            call,
            &keys,
            &certificates_of(Some(&user.user_name)),
            &mut csv,
        )?;
    }
    csv.push('\n');
    Ok(csv.into_bytes())
}

/// One row before its key and certificate columns.
struct Row {
    user: String,
    arn: String,
    created: i64,
    /// password_enabled, password_last_used, password_last_changed, password_next_rotation.
    password: [String; 4],
    mfa: bool,
}

fn user_row(
    user: &UserRecord,
    profile: Option<&LoginProfileRecord>,
    max_age_ms: Option<i64>,
    mfa: bool,
) -> Row {
    let password = match profile {
        None => [
            "false".to_owned(),
            "N/A".to_owned(),
            "N/A".to_owned(),
            "N/A".to_owned(),
        ],
        Some(profile) => [
            "true".to_owned(),
            profile
                .password_last_used
                .map_or_else(|| "no_information".to_owned(), date),
            date(profile.password_last_changed),
            max_age_ms.map_or_else(
                || "N/A".to_owned(),
                |age| date(profile.password_last_changed + age),
            ),
        ],
    };
    Row {
        user: user.user_name.clone(),
        arn: user.arn.clone(),
        created: user.create_date,
        password,
        mfa,
    }
}

impl Row {
    fn write(
        &self,
        call: &Authorized<'_, '_>,
        keys: &[AccessKeyRecord],
        certificates: &[&SigningCertificateRecord],
        csv: &mut String,
    ) -> Result<(), ServiceError> {
        let _ = write!(
            csv,
            "\n{},{},{},{},{},{},{},{}",
            self.user,
            self.arn,
            date(self.created),
            self.password[0],
            self.password[1],
            self.password[2],
            self.password[3],
            self.mfa
        );
        for index in 0..2 {
            match keys.get(index) {
                Some(key) => {
                    let key_uses = &call.ctx.warden.key_uses;
                    let used = call.read(|tx| key_uses.last_used(tx, &key.access_key_id))?;
                    let (when, region, service) = match used {
                        Some(used) => (date(used.when), used.region, used.service),
                        None => ("N/A".to_owned(), "N/A".to_owned(), "N/A".to_owned()),
                    };
                    let active = key.status == AccessKeyStatus::Active;
                    let _ = write!(
                        csv,
                        ",{active},{},{when},{region},{service}",
                        date(key.create_date)
                    );
                }
                None => csv.push_str(",false,N/A,N/A,N/A,N/A"),
            }
        }
        for index in 0..2 {
            match certificates.get(index) {
                Some(certificate) => {
                    let active = certificate.status == AccessKeyStatus::Active;
                    let _ = write!(csv, ",{active},{}", date(certificate.upload_date));
                }
                None => csv.push_str(",false,N/A"),
            }
        }
        Ok(())
    }
}

/// A time as the report writes it: `2026-12-07T18:01:21+00:00`.
fn date(millis: i64) -> String {
    timestamp(millis)
        .strftime("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}
