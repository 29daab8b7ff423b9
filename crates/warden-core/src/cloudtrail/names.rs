//! Trail names, trail ARNs and bucket names: CloudTrail's rules and error messages.

use warden_protocol::cloudtrail::errors;

use crate::ServiceError;

/// A trail named by a request: its plain name, from a name or a trail ARN.
pub(super) fn trail_name(given: &str, account_id: &str) -> Result<String, ServiceError> {
    if let Some(rest) = given.strip_prefix("arn:") {
        // arn:aws:cloudtrail:<region>:<account>:trail/<name>
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let (Some(service), Some(account), Some(resource)) =
            (parts.get(1), parts.get(3), parts.get(4))
        else {
            return Err(invalid_arn(given));
        };
        let name = resource
            .strip_prefix("trail/")
            .ok_or_else(|| invalid_arn(given))?;
        if *service != "cloudtrail" || name.is_empty() {
            return Err(invalid_arn(given));
        }
        if *account != account_id {
            return Err(not_found(given, account_id));
        }
        return Ok(name.to_owned());
    }
    check_trail_name(given)?;
    Ok(given.to_owned())
}

/// CloudTrail's trail-name rules: 3–128 characters of letters, digits, `.`, `_`, `-`;
/// starting and ending with a letter or digit; no two adjacent separators; not an IP address.
pub(super) fn check_trail_name(name: &str) -> Result<(), ServiceError> {
    let invalid = |why: &str| {
        ServiceError::modeled(&errors::INVALID_TRAIL_NAME, format!("Trail name {why}."))
    };
    let is_separator = |c: char| matches!(c, '.' | '_' | '-');
    if !(3..=128).contains(&name.len()) {
        return Err(invalid("must be between 3 and 128 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || is_separator(c))
    {
        return Err(invalid(
            "can only contain letters, numbers, periods, underscores and dashes",
        ));
    }
    let edges = [name.chars().next(), name.chars().next_back()];
    if edges
        .iter()
        .any(|c| !c.is_some_and(|c| c.is_ascii_alphanumeric()))
    {
        return Err(invalid("must start and end with a letter or number"));
    }
    if name
        .as_bytes()
        .windows(2)
        .any(|pair| pair.iter().all(|&b| is_separator(char::from(b))))
    {
        return Err(invalid(
            "cannot have adjacent periods, underscores or dashes",
        ));
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(invalid("cannot be formatted as an IP address"));
    }
    Ok(())
}

/// S3's bucket-name rules (the bucket is a directory Warden delivers log files into).
pub(super) fn check_bucket_name(bucket: &str) -> Result<(), ServiceError> {
    let valid = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && bucket
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphanumeric)
        && bucket
            .as_bytes()
            .last()
            .is_some_and(u8::is_ascii_alphanumeric)
        && !bucket.contains("..")
        && bucket.parse::<std::net::Ipv4Addr>().is_err();
    if valid {
        Ok(())
    } else {
        Err(ServiceError::modeled(
            &errors::INVALID_S3_BUCKET_NAME,
            format!("Bucket name is not valid: {bucket}."),
        ))
    }
}

/// CloudTrail's `TrailNotFoundException`.
pub(super) fn not_found(given: &str, account_id: &str) -> ServiceError {
    ServiceError::modeled(
        &errors::TRAIL_NOT_FOUND,
        format!("Unknown trail: {given} for the user: {account_id}"),
    )
}

fn invalid_arn(given: &str) -> ServiceError {
    ServiceError::modeled(
        &errors::CLOUD_TRAIL_ARN_INVALID,
        format!("Invalid CloudTrail ARN: {given}"),
    )
}

#[cfg(test)]
mod tests {
    use super::{check_bucket_name, check_trail_name, trail_name};

    #[test]
    fn trail_names_follow_cloudtrail_rules() {
        for good in ["abc", "my-trail", "a.b_c-1", "Trail9"] {
            assert!(check_trail_name(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "-abc",
            "abc-",
            "a--b",
            "a._b",
            "a b c",
            "192.168.5.4",
            &"a".repeat(129),
        ] {
            assert!(check_trail_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn arns_name_trails_of_the_callers_account_only() {
        let account = "111122223333";
        assert_eq!(
            trail_name(
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/main",
                account
            )
            .unwrap(),
            "main"
        );
        assert!(
            trail_name(
                "arn:aws:cloudtrail:us-east-1:444455556666:trail/main",
                account
            )
            .is_err()
        );
        assert!(trail_name("arn:aws:s3:::bucket", account).is_err());
        assert_eq!(trail_name("main", account).unwrap(), "main");
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        assert!(check_bucket_name("audit-logs.example").is_ok());
        for bad in ["ab", "Upper", "a..b", "-ab", "10.0.0.1", "a/b"] {
            assert!(check_bucket_name(bad).is_err(), "{bad}");
        }
    }
}
