//! Case folding of IAM names.

/// The key under which a name is unique and looked up: the name in ASCII lower case.
///
/// IAM names (users, roles, groups, policies) are ASCII (`[\w+=,.@-]+`) and unique
/// case-insensitively within an account; non-ASCII characters are left as they are.
#[must_use]
pub fn name_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// The key under which a user's (or role's) tag key is unique: the key in lower case.
///
/// IAM documents tag keys of users and roles as case-insensitive with case preserved: tagging
/// `Department` and then `department` leaves one tag. Tag keys may be any Unicode letters,
/// so this folds with Unicode lower-casing.
#[must_use]
pub fn tag_key_fold(tag_key: &str) -> String {
    tag_key.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::{name_key, tag_key_fold};

    #[test]
    fn tag_keys_fold_unicode() {
        assert_eq!(tag_key_fold("Département"), "département");
        assert_eq!(tag_key_fold("ÉQUIPE"), "équipe");
    }

    #[test]
    fn folds_ascii_only() {
        assert_eq!(
            name_key("Alice+Admin@Example.COM"),
            "alice+admin@example.com"
        );
        assert_eq!(name_key("ÉLAN"), "Élan");
    }
}
