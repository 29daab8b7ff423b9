//! Case folding of IAM names.

/// The key under which a name is unique and looked up: the name in ASCII lower case.
///
/// IAM names (users, roles, groups, policies) are ASCII (`[\w+=,.@-]+`) and unique
/// case-insensitively within an account; non-ASCII characters are left as they are.
#[must_use]
pub fn name_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn folds_ascii_only() {
        assert_eq!(
            name_key("Alice+Admin@Example.COM"),
            "alice+admin@example.com"
        );
        assert_eq!(name_key("ÉLAN"), "Élan");
    }
}
