//! ARN patterns, matched segment by segment.
//!
//! `arn:partition:service:region:account:resource`: the first five colon-separated segments are
//! matched separately (a `*` there never crosses a colon), the resource part may itself contain
//! colons and a `*` in it spans them. Matching is case-sensitive.

use crate::glob::{Case, Glob, Syntax, Variables};

/// The six parts of an ARN: `arn:partition:service:region:account:resource` (the resource
/// may itself contain colons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnParts<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: &'a str,
    /// The service namespace, e.g. `iam`.
    pub service: &'a str,
    /// The Region, empty for global services.
    pub region: &'a str,
    /// The account id (or `aws` for AWS managed policies), possibly empty.
    pub account: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> ArnParts<'a> {
    /// Splits `arn`; `None` unless it starts with `arn:` and has six parts.
    pub fn parse(arn: &'a str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        Some(Self {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        })
    }
}

/// A compiled ARN pattern (a `Resource` entry or an `Arn*` condition value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArnPattern {
    /// `*`.
    Everything,
    /// Six segments.
    Segments(Box<Segments>),
    /// Not ARN-shaped: matched as one string.
    Whole(Glob),
}

/// The six segment patterns of an ARN pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segments {
    /// When the first five segments have no wildcards or variables: their text with the five
    /// colons, compared in one go.
    literal_head: Option<Box<str>>,
    head: [Glob; 5],
    resource: Glob,
}

/// A request ARN split once per evaluation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitArn<'a> {
    pub(crate) whole: &'a str,
    /// Position just after the fifth colon, if there are five.
    head_end: Option<usize>,
}

impl<'a> SplitArn<'a> {
    /// Finds the first five colons of `arn`.
    pub(crate) fn new(whole: &'a str) -> Self {
        let mut colons = 0;
        for (i, byte) in whole.bytes().enumerate() {
            if byte == b':' {
                colons += 1;
                if colons == 5 {
                    return Self {
                        whole,
                        head_end: Some(i + 1),
                    };
                }
            }
        }
        Self {
            whole,
            head_end: None,
        }
    }

    fn head(&self) -> Option<&'a str> {
        self.whole.get(..self.head_end?)
    }

    fn resource(&self) -> Option<&'a str> {
        self.whole.get(self.head_end?..)
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
        let head_syntax = Syntax {
            wildcards: true,
            variables: variables_everywhere,
        };
        let tail_syntax = Syntax {
            wildcards: true,
            variables: variables_in_resource || variables_everywhere,
        };
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        match parts.as_slice() {
            [a, b, c, d, e, f] => {
                let head = [a, b, c, d, e].map(|segment| Glob::compile(segment, head_syntax));
                let literal_head = head
                    .iter()
                    .map(Glob::as_literal)
                    .collect::<Option<Vec<&str>>>()
                    .map(|segments| format!("{}:", segments.join(":")).into_boxed_str());
                Self::Segments(Box::new(Segments {
                    literal_head,
                    head,
                    resource: Glob::compile(f, tail_syntax),
                }))
            }
            _ => Self::Whole(Glob::compile(pattern, tail_syntax)),
        }
    }

    /// Matches a request ARN.
    pub(crate) fn matches(&self, arn: &SplitArn<'_>, variables: &impl Variables) -> bool {
        match self {
            Self::Everything => true,
            Self::Whole(glob) => glob.matches(arn.whole, Case::Sensitive, variables),
            Self::Segments(segments) => {
                let (Some(head), Some(resource)) = (arn.head(), arn.resource()) else {
                    return false;
                };
                if !segments
                    .resource
                    .matches(resource, Case::Sensitive, variables)
                {
                    return false;
                }
                match &segments.literal_head {
                    Some(literal) => crate::glob::bytes_equal(literal.as_bytes(), head.as_bytes()),
                    None => segments
                        .head
                        .iter()
                        .zip(head.split(':'))
                        .all(|(glob, segment)| glob.matches(segment, Case::Sensitive, variables)),
                }
            }
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
