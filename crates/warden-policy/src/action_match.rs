//! Matching many actions against one statement's `Action` or `NotAction`, compiled once
//! (what IAM's service last accessed reports ask of every permissions policy: which
//! services could it be used for).

use crate::document::ActionClause;
use crate::glob::Glob;

/// The actions one `Action` or `NotAction` clause applies to, compiled for matching.
#[derive(Debug, Clone)]
pub struct ActionMatcher {
    patterns: Vec<Glob>,
    negated: bool,
}

impl ActionMatcher {
    /// Compiles `clause`'s patterns (`*` and `?` wildcards, case-insensitive).
    #[must_use]
    pub fn new(clause: &ActionClause) -> Self {
        let (patterns, negated) = match clause {
            ActionClause::Action(patterns) => (patterns, false),
            ActionClause::NotAction(patterns) => (patterns, true),
        };
        Self {
            patterns: patterns
                .iter()
                .map(|pattern| Glob::action(pattern))
                .collect(),
            negated,
        }
    }

    /// Whether the clause applies to `action` (`service:Name`, any case): a pattern of
    /// `Action` matches it, or no pattern of `NotAction` does.
    #[must_use]
    pub fn matches(&self, action: &str) -> bool {
        let action = action.to_ascii_lowercase();
        let named = self
            .patterns
            .iter()
            .any(|pattern| pattern.matches_lowercase(&action));
        named != self.negated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(negated: bool, patterns: &[&str]) -> ActionMatcher {
        let patterns = patterns.iter().map(|p| (*p).to_owned()).collect();
        ActionMatcher::new(&if negated {
            ActionClause::NotAction(patterns)
        } else {
            ActionClause::Action(patterns)
        })
    }

    #[test]
    fn actions_match_by_wildcard_and_any_case() {
        let matcher = clause(false, &["iam:Get*", "S3:listbucket", "kms:?ncrypt"]);
        assert!(matcher.matches("iam:GetUser"));
        assert!(matcher.matches("s3:ListBucket"));
        assert!(matcher.matches("kms:Encrypt"));
        assert!(!matcher.matches("iam:ListUsers"));
        assert!(!matcher.matches("kms:ReEncrypt"));
        assert!(clause(false, &["*"]).matches("sts:AssumeRole"));
    }

    #[test]
    fn not_action_matches_what_it_does_not_name() {
        let matcher = clause(true, &["iam:*"]);
        assert!(!matcher.matches("iam:CreateUser"));
        assert!(matcher.matches("kms:Decrypt"));
    }
}
