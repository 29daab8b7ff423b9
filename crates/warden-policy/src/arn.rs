//! ARN patterns, matched segment by segment.
//!
//! `arn:partition:service:region:account:resource`: the first five colon-separated segments are
//! matched separately (a `*` there never crosses a colon), the resource part may itself contain
//! colons and a `*` in it spans them. Matching is case-sensitive.

use crate::glob::{Case, Glob, Syntax, Variables};

/// A compiled ARN pattern (a `Resource` entry or an `Arn*` condition value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArnPattern {
    /// `*`.
    Everything,
    /// Six segments.
    Segments(Box<[Glob; 6]>),
    /// Not ARN-shaped: matched as one string.
    Whole(Glob),
}

/// A request ARN split once per evaluation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitArn<'a> {
    pub(crate) whole: &'a str,
    segments: Option<[&'a str; 6]>,
}

impl<'a> SplitArn<'a> {
    /// Splits `arn` at its first five colons.
    pub(crate) fn new(whole: &'a str) -> Self {
        let mut parts = whole.splitn(6, ':');
        let mut segments = [""; 6];
        for slot in &mut segments {
            match parts.next() {
                Some(part) => *slot = part,
                None => {
                    return Self {
                        whole,
                        segments: None,
                    };
                }
            }
        }
        Self {
            whole,
            segments: Some(segments),
        }
    }
}

impl ArnPattern {
    /// Compiles a pattern. `variables_in_resource` enables `${...}` after the fifth colon;
    /// `variables_everywhere` enables them in every segment (condition values).
    pub(crate) fn compile(
        pattern: &str,
        variables_in_resource: bool,
        variables_everywhere: bool,
    ) -> Self {
        if pattern == "*" {
            return Self::Everything;
        }
        let head = Syntax {
            wildcards: true,
            variables: variables_everywhere,
        };
        let tail = Syntax {
            wildcards: true,
            variables: variables_in_resource || variables_everywhere,
        };
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        match parts.as_slice() {
            [a, b, c, d, e, f] => Self::Segments(Box::new([
                Glob::compile(a, head),
                Glob::compile(b, head),
                Glob::compile(c, head),
                Glob::compile(d, head),
                Glob::compile(e, head),
                Glob::compile(f, tail),
            ])),
            _ => Self::Whole(Glob::compile(pattern, tail)),
        }
    }

    /// Matches a request ARN.
    pub(crate) fn matches(&self, arn: &SplitArn<'_>, variables: &impl Variables) -> bool {
        match self {
            Self::Everything => true,
            Self::Whole(glob) => glob.matches(arn.whole, Case::Sensitive, variables),
            Self::Segments(globs) => match &arn.segments {
                Some(segments) => globs
                    .iter()
                    .zip(segments.iter())
                    .all(|(glob, segment)| glob.matches(segment, Case::Sensitive, variables)),
                None => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glob::NoVariables;

    fn matches(pattern: &str, arn: &str) -> bool {
        ArnPattern::compile(pattern, true, false).matches(&SplitArn::new(arn), &NoVariables)
    }

    #[test]
    fn segment_table() {
        assert!(matches("*", "anything"));
        assert!(matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b:c:d"
        ));
        assert!(
            !matches("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/a"),
            "case-sensitive"
        );
        assert!(matches(
            "arn:aws:iam::*:user/*",
            "arn:aws:iam::123456789012:user/alice"
        ));
        assert!(matches(
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:us-east-1:1:instance/i-1"
        ));
        assert!(
            matches("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2::1:instance/i-1"),
            "* matches empty region"
        );
        assert!(!matches(
            "arn:aws:svc:*:1111:finance/*",
            "arn:aws:svc:us-east-2:9999:store/abc:1111:finance/doc"
        ));
        assert!(matches("arn:aws:svc:*:*:*", "arn:aws:svc:r:1:a:b:c"));
        assert!(!matches("arn:aws:s3:::*", "*"));
        assert!(
            matches("arn:aws:s3*", "arn:aws:s3:::x"),
            "a short pattern is matched as one string"
        );
        assert!(matches("arn:aws:fdsasf*", "arn:aws:fdsasf:x"));
    }
}
