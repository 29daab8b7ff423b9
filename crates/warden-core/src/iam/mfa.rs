//! Virtual MFA devices: CreateVirtualMFADevice (the seed and its QR code, returned once),
//! EnableMFADevice and ResyncMFADevice (two consecutive codes), DeactivateMFADevice,
//! DeleteVirtualMFADevice, ListMFADevices, ListVirtualMFADevices, GetMFADevice and tags.
//! Seeds are sealed at rest; a code is never accepted twice (each device remembers the last
//! step it accepted), and wrong codes are counted per device ([`crate::attempts`]).

mod assignment;
mod device;
mod qr;
mod tags;

use warden_crypto::totp;
use warden_protocol::Arn;
use warden_protocol::iam::arn;
use warden_store::{MfaAssignment, MfaDeviceRecord, StoreExt};

use crate::operation::Authorized;
use crate::{Ctx, ServiceError};

/// What sealed seeds are bound to (the sealer's associated data).
const SEED_PURPOSE: &[u8] = b"warden/iam/mfa-device/seed";
/// How far back EnableMFADevice looks for the first of its two codes, in steps (5 min).
const ENABLE_WINDOW_STEPS: u64 = 10;
/// How far either way ResyncMFADevice looks for a drifted device's codes (10 min).
const RESYNC_WINDOW_STEPS: u64 = 20;

/// The device's ARN (its serial number) at `path` with `name`.
fn device_arn(ctx: &Ctx<'_>, path: &str, name: &str) -> Arn {
    arn::mfa(
        ctx.partition(),
        ctx.account(),
        &format!("{}{name}", path.trim_start_matches('/')),
    )
}

/// The ARN to authorize an action on the device with this serial number.
fn serial_arn(serial_number: &str) -> Arn {
    Arn {
        resource_type: &arn::MFA,
        value: serial_number.to_owned(),
    }
}

/// The device; NoSuchEntity (AWS's wording) when the account has none of this serial.
fn find_device(
    call: &Authorized<'_, '_>,
    serial_number: &str,
) -> Result<MfaDeviceRecord, ServiceError> {
    call.read(|tx| tx.mfa_devices().get(call.ctx.account(), serial_number))?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!(
                "VirtualMFADevice with serial number {serial_number} doesn't exist."
            ))
        })
}

/// Whom a call's `UserName` names: that IAM user, or — for the root user, which has no user
/// name — the root user itself when the name is omitted or is the account id.
fn owner_of(
    call: &Authorized<'_, '_>,
    user_name: Option<&str>,
) -> Result<MfaAssignment, ServiceError> {
    let ctx = call.ctx;
    let is_root = ctx.caller.is_root();
    match user_name {
        Some(name) if !(is_root && name == ctx.account()) => {
            let user = crate::iam::user::find_user(call, name)?;
            Ok(MfaAssignment::User(user.user_name))
        }
        _ if is_root => Ok(MfaAssignment::Root),
        _ => Ok(MfaAssignment::User(ctx.target_user(None)?)),
    }
}

/// The ARN to authorize an assignment change on: the user's, or the root user's.
fn owner_arn(ctx: &Ctx<'_>, user_name: Option<&str>) -> Result<Arn, ServiceError> {
    let is_root = ctx.caller.is_root();
    match user_name {
        Some(name) if !(is_root && name == ctx.account()) => Ok(ctx.user_arn(name)),
        _ if is_root => Ok(Arn {
            resource_type: &arn::USER,
            value: ctx.caller.arn.clone(),
        }),
        _ => Ok(ctx.user_arn(&ctx.target_user(None)?)),
    }
}

/// The device's code generator, from its sealed seed.
fn generator(ctx: &Ctx<'_>, device: &MfaDeviceRecord) -> Result<totp::Device, ServiceError> {
    let seed = ctx
        .warden
        .sealer
        .open(&device.seed_sealed, SEED_PURPOSE)
        .map_err(|error| ServiceError::Internal(error.to_string()))?;
    totp::Device::new(&seed).map_err(|error| ServiceError::Internal(error.to_string()))
}

/// The step of `code1` when `code1` and `code2` are the device's codes of two consecutive
/// steps within `window` (both after its last accepted step); `InvalidAuthenticationCode`
/// otherwise, counted against the device.
fn consecutive_codes(
    call: &Authorized<'_, '_>,
    device: &MfaDeviceRecord,
    codes: (&str, &str),
    window: std::ops::RangeInclusive<u64>,
) -> Result<u64, ServiceError> {
    let ctx = call.ctx;
    let subject = format!("mfa/{}", device.serial_number.to_ascii_lowercase());
    let now = ctx.warden.now();
    let attempts = &ctx.warden.attempts;
    attempts.check(&subject, now.as_millisecond())?;
    let generator = generator(ctx, device)?;
    let after = device.last_step.and_then(|step| u64::try_from(step).ok());
    let candidates = window.filter(|step| after.is_none_or(|last| *step > last));
    let found = candidates
        .into_iter()
        .filter(|step| generator.step_of(codes.0, [*step]).is_some())
        .find(|step| generator.step_of(codes.1, [step + 1]).is_some());
    match found {
        Some(step) => {
            attempts.succeeded(&subject);
            Ok(step)
        }
        None => {
            attempts.failed(&subject, now.as_millisecond());
            Err(ServiceError::modeled(
                &warden_protocol::iam::errors::INVALID_AUTHENTICATION_CODE,
                "Authentication code for device is not valid.",
            ))
        }
    }
}

/// The current TOTP step.
fn current_step(ctx: &Ctx<'_>) -> u64 {
    totp::step_at(u64::try_from(ctx.warden.now().as_second()).unwrap_or(0))
}

/// A code an STS call (GetSessionToken, AssumeRole) gave with `SerialNumber`, checked
/// against the caller's device: the device and the step the code belongs to. Nothing is
/// written: [`accept_session_code`] records the step once the call is authorized.
pub(crate) struct SessionCode {
    serial_number: String,
    step: u64,
}

/// Checks `code` against the caller's MFA device `serial_number` (the current step ±1,
/// after the device's last accepted step). AWS's AccessDenied messages otherwise; wrong
/// codes are counted against the device.
pub(crate) fn check_session_code(
    ctx: &Ctx<'_>,
    serial_number: &str,
    code: &str,
) -> Result<SessionCode, ServiceError> {
    let unknown = || {
        ServiceError::AccessDenied(
            "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."
                .to_owned(),
        )
    };
    let owner = match &ctx.caller.kind {
        crate::CallerKind::Root => MfaAssignment::Root,
        crate::CallerKind::User { user_name, .. } => MfaAssignment::User(user_name.clone()),
        crate::CallerKind::AssumedRole { .. } | crate::CallerKind::FederatedUser { .. } => {
            return Err(unknown());
        }
    };
    let device = ctx
        .warden
        .store()
        .read(|tx| tx.mfa_devices().get(ctx.account(), serial_number))?
        .filter(|device| match (&device.assignment, &owner) {
            (Some(MfaAssignment::Root), MfaAssignment::Root) => true,
            (Some(MfaAssignment::User(a)), MfaAssignment::User(b)) => {
                a.eq_ignore_ascii_case(b.as_str())
            }
            _ => false,
        })
        .ok_or_else(unknown)?;
    let subject = format!("mfa/{}", device.serial_number.to_ascii_lowercase());
    let now_ms = ctx.warden.now().as_millisecond();
    ctx.warden.attempts.check(&subject, now_ms)?;
    let generator = generator(ctx, &device)?;
    let now = current_step(ctx);
    let after = device.last_step.and_then(|step| u64::try_from(step).ok());
    let window =
        (now.saturating_sub(1)..=now + 1).filter(|step| after.is_none_or(|last| *step > last));
    match generator.step_of(code, window) {
        Some(step) => {
            ctx.warden.attempts.succeeded(&subject);
            Ok(SessionCode {
                serial_number: device.serial_number,
                step,
            })
        }
        None => {
            ctx.warden.attempts.failed(&subject, now_ms);
            Err(ServiceError::AccessDenied(
                "MultiFactorAuthentication failed with invalid MFA one time pass code.".to_owned(),
            ))
        }
    }
}

/// Records that `code`'s step was used, so that it is never accepted again; refused when
/// another call used it (or a later step) meanwhile.
pub(crate) fn accept_session_code(
    call: &mut Authorized<'_, '_>,
    code: &SessionCode,
) -> Result<(), ServiceError> {
    let account = call.ctx.account().to_owned();
    let step = i64::try_from(code.step).unwrap_or(i64::MAX);
    let accepted = call.write_aside(|tx| {
        let current = tx.mfa_devices().get(&account, &code.serial_number)?;
        if current.is_some_and(|device| device.last_step.is_none_or(|last| last < step)) {
            tx.mfa_devices()
                .set_last_step(&account, &code.serial_number, step)?;
            Ok(true)
        } else {
            Ok(false)
        }
    })?;
    if accepted {
        Ok(())
    } else {
        Err(ServiceError::AccessDenied(
            "MultiFactorAuthentication failed with invalid MFA one time pass code.".to_owned(),
        ))
    }
}
