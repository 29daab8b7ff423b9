//! Wildcard patterns (`*`, `?`) with policy-variable slots, compiled once and matched without
//! allocation.
//!
//! Matching is the classic iterative algorithm that remembers only the last `*`: its cost is
//! bounded by `pattern length × text length` and never exponential. A `?` consumes one UTF-8
//! character. Text substituted for a variable is literal: a `*` inside a tag value is not a
//! wildcard.

/// Where variable values come from during matching.
pub(crate) trait Variables {
    /// The single value of the (lowercase) key, if present.
    fn lookup(&self, key_lower: &str) -> Option<&str>;
}

/// No variables at all (used where substitution does not apply).
pub(crate) struct NoVariables;

impl Variables for NoVariables {
    fn lookup(&self, _key_lower: &str) -> Option<&str> {
        None
    }
}

/// A `${key}` or `${key, 'default'}` slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variable {
    /// Lowercase key name.
    pub(crate) key: Box<str>,
    /// The default used when the key is missing.
    pub(crate) default: Option<Box<str>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(Box<str>),
    Star,
    One,
    Variable(Variable),
}

/// How letters compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// Exact bytes.
    Sensitive,
    /// ASCII letters fold.
    Insensitive,
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Glob {
    tokens: Box<[Token]>,
    shape: Shape,
    variable_count: usize,
    /// For `Exact` and `Prefix` shapes: the literal, one pointer away (the hot path).
    literal: Box<str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Only `*`: matches everything.
    Everything,
    /// One literal, no wildcards or variables.
    Exact,
    /// A literal followed by `*`.
    Prefix,
    /// Anything else.
    General,
}

/// What a pattern may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Syntax {
    /// `*` and `?` are wildcards (otherwise literal).
    pub(crate) wildcards: bool,
    /// `${...}` is substituted (otherwise literal).
    pub(crate) variables: bool,
}

const STACK_VARIABLES: usize = 8;

impl Glob {
    /// An action pattern: lowercase, wildcards, no variables.
    pub(crate) fn action(pattern: &str) -> Self {
        Self::compile(
            &pattern.to_ascii_lowercase(),
            Syntax {
                wildcards: true,
                variables: false,
            },
        )
    }

    /// Compiles `pattern` with the given syntax.
    pub(crate) fn compile(pattern: &str, syntax: Syntax) -> Self {
        let mut tokens: Vec<Token> = Vec::new();
        let mut literal = String::new();
        let mut rest = pattern;
        while let Some(c) = rest.chars().next() {
            if syntax.variables
                && let Some((token, after)) = parse_variable(rest)
            {
                match token {
                    Token::Literal(text) => literal.push_str(&text),
                    other => {
                        flush(&mut tokens, &mut literal);
                        tokens.push(other);
                    }
                }
                rest = after;
                continue;
            }
            match c {
                '*' if syntax.wildcards => {
                    flush(&mut tokens, &mut literal);
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                }
                '?' if syntax.wildcards => {
                    flush(&mut tokens, &mut literal);
                    tokens.push(Token::One);
                }
                c => literal.push(c),
            }
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        }
        flush(&mut tokens, &mut literal);
        let shape = match tokens.as_slice() {
            [Token::Star] => Shape::Everything,
            [Token::Literal(_)] | [] => Shape::Exact,
            [Token::Literal(_), Token::Star] => Shape::Prefix,
            _ => Shape::General,
        };
        let variable_count = tokens
            .iter()
            .filter(|t| matches!(t, Token::Variable(_)))
            .count();
        let literal = match (shape, tokens.first()) {
            (Shape::Exact | Shape::Prefix, Some(Token::Literal(text))) => text.clone(),
            _ => Box::default(),
        };
        Self {
            tokens: tokens.into_boxed_slice(),
            shape,
            literal,
            variable_count,
        }
    }

    /// The literal text, when the pattern has no wildcards and no variables.
    pub(crate) fn as_literal(&self) -> Option<&str> {
        (self.shape == Shape::Exact).then_some(&*self.literal)
    }

    /// The first byte every match must start with, if the pattern starts with a literal.
    pub(crate) fn first_literal_byte(&self) -> Option<u8> {
        match self.tokens.first() {
            Some(Token::Literal(text)) => text.as_bytes().first().copied(),
            _ => None,
        }
    }

    /// The variable slots in order.
    pub(crate) fn variable_slots(&self) -> impl Iterator<Item = &Variable> {
        self.tokens.iter().filter_map(|t| match t {
            Token::Variable(v) => Some(v),
            _ => None,
        })
    }

    /// Matches a pattern compiled from lowercase text against lowercase text (no variables).
    pub(crate) fn matches_lowercase(&self, text: &str) -> bool {
        self.matches(text, Case::Sensitive, &NoVariables)
    }

    /// Matches `text`. An unresolved variable makes the match fail.
    pub(crate) fn matches(&self, text: &str, case: Case, variables: &impl Variables) -> bool {
        let literal = self.literal.as_bytes();
        match self.shape {
            Shape::Everything => return true,
            Shape::Exact => return same(literal, text.as_bytes(), case),
            Shape::Prefix => {
                return text
                    .as_bytes()
                    .get(..literal.len())
                    .is_some_and(|head| same(literal, head, case));
            }
            Shape::General => {}
        }
        if self.variable_count == 0 {
            return run(&self.tokens, text.as_bytes(), case, &[]);
        }
        // Reject on the leading literal before looking any variable up.
        if let Some(Token::Literal(literal)) = self.tokens.first()
            && !text
                .as_bytes()
                .get(..literal.len())
                .is_some_and(|head| same(literal.as_bytes(), head, case))
        {
            return false;
        }
        if self.variable_count <= STACK_VARIABLES {
            let mut values: [&str; STACK_VARIABLES] = [""; STACK_VARIABLES];
            for (slot, variable) in values.iter_mut().zip(self.variable_slots()) {
                match resolve(variable, variables) {
                    Some(value) => *slot = value,
                    None => return false,
                }
            }
            return run(
                &self.tokens,
                text.as_bytes(),
                case,
                values.get(..self.variable_count).unwrap_or(&[]),
            );
        }
        let values: Option<Vec<&str>> = self
            .variable_slots()
            .map(|v| resolve(v, variables))
            .collect();
        values.is_some_and(|values| run(&self.tokens, text.as_bytes(), case, &values))
    }
}

fn same(pattern: &[u8], text: &[u8], case: Case) -> bool {
    match case {
        Case::Sensitive => bytes_equal(pattern, text),
        Case::Insensitive => pattern.eq_ignore_ascii_case(text),
    }
}

/// Byte equality for the short strings of policies, eight bytes at a time and without a
/// `memcmp` call (whose call overhead dominates at these lengths).
#[inline]
pub(crate) fn bytes_equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut a_words = a.chunks_exact(8);
    let mut b_words = b.chunks_exact(8);
    for (x, y) in (&mut a_words).zip(&mut b_words) {
        let (Ok(x), Ok(y)) = (<[u8; 8]>::try_from(x), <[u8; 8]>::try_from(y)) else {
            return false;
        };
        if u64::from_ne_bytes(x) != u64::from_ne_bytes(y) {
            return false;
        }
    }
    a_words
        .remainder()
        .iter()
        .zip(b_words.remainder())
        .all(|(x, y)| x == y)
}

/// The matching loop over tokens. `values` holds the resolved variables in slot order.
/// On a mismatch it returns to the last `*` and lets it swallow one more character.
fn run(tokens: &[Token], text: &[u8], case: Case, values: &[&str]) -> bool {
    let mut token = 0usize;
    let mut slot = 0usize;
    let mut t = 0usize;
    // (token after the last star, variable slot there, text position the star resumes from)
    let mut backtrack: Option<(usize, usize, usize)> = None;
    loop {
        let advanced = match tokens.get(token) {
            None => {
                if t == text.len() {
                    return true;
                }
                false
            }
            Some(Token::Star) => {
                token += 1;
                backtrack = Some((token, slot, t));
                continue;
            }
            Some(Token::One) => {
                if t < text.len() {
                    t += char_width(text.get(t).copied().unwrap_or(0));
                    token += 1;
                    true
                } else {
                    false
                }
            }
            Some(Token::Literal(literal)) => {
                advance_over(literal.as_bytes(), text, &mut t, case, &mut token)
            }
            Some(Token::Variable(_)) => {
                let value = values.get(slot).copied().unwrap_or("");
                let matched = advance_over(value.as_bytes(), text, &mut t, case, &mut token);
                if matched {
                    slot += 1;
                }
                matched
            }
        };
        if advanced {
            continue;
        }
        match &mut backtrack {
            Some((star_token, star_slot, star_t)) if *star_t < text.len() => {
                *star_t += char_width(text.get(*star_t).copied().unwrap_or(0));
                token = *star_token;
                slot = *star_slot;
                t = *star_t;
            }
            _ => return false,
        }
    }
}

/// Consumes `literal` at `text[*t..]` if it is there.
fn advance_over(literal: &[u8], text: &[u8], t: &mut usize, case: Case, token: &mut usize) -> bool {
    let end = *t + literal.len();
    match text.get(*t..end) {
        Some(window) if same(literal, window, case) => {
            *t = end;
            *token += 1;
            true
        }
        _ => false,
    }
}

fn flush(tokens: &mut Vec<Token>, literal: &mut String) {
    if !literal.is_empty() {
        tokens.push(Token::Literal(std::mem::take(literal).into_boxed_str()));
    }
}

/// Reads `${...}` at the start of `text`; returns the token and the rest.
fn parse_variable(text: &str) -> Option<(Token, &str)> {
    let body_and_rest = text.strip_prefix("${")?;
    let close = body_and_rest.find('}')?;
    let body = body_and_rest.get(..close)?;
    let rest = body_and_rest.get(close + 1..)?;
    let token = match body {
        "*" => Token::Literal("*".into()),
        "?" => Token::Literal("?".into()),
        "$" => Token::Literal("$".into()),
        _ => {
            let (key, default) = match body.split_once(',') {
                Some((key, default)) => {
                    let default = default.trim();
                    let default = default
                        .strip_prefix('\'')
                        .and_then(|d| d.strip_suffix('\''))
                        .unwrap_or(default);
                    (key, Some(default.into()))
                }
                None => (body, None),
            };
            let key = key.trim();
            if key.is_empty() {
                return None;
            }
            Token::Variable(Variable {
                key: key.to_ascii_lowercase().into(),
                default,
            })
        }
    };
    Some((token, rest))
}

fn resolve<'v>(variable: &'v Variable, variables: &'v impl Variables) -> Option<&'v str> {
    variables
        .lookup(&variable.key)
        .or(variable.default.as_deref())
}

fn char_width(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Map(Vec<(&'static str, &'static str)>);
    impl Variables for Map {
        fn lookup(&self, key_lower: &str) -> Option<&str> {
            self.0
                .iter()
                .find(|(k, _)| *k == key_lower)
                .map(|(_, v)| *v)
        }
    }

    const WILD: Syntax = Syntax {
        wildcards: true,
        variables: true,
    };

    #[test]
    fn wildcard_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "", true),
            ("*", "anything", true),
            ("a*", "a", true),
            ("a*c", "abbbc", true),
            ("a*c", "abbbd", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a?c", "aéc", true),
            ("*a*b*c*", "xxaxxbxxcxx", true),
            ("*a*b*c*", "xxaxxcxxbxx", false),
            ("iam:*AccessKey*", "iam:ListAccessKeys", true),
            ("", "", true),
            ("", "x", false),
            ("abc", "abc", true),
            ("abc", "abcd", false),
            ("a.b+c", "a.b+c", true),
            ("a.b", "axb", false),
            ("**", "x", true),
            ("*?", "", false),
            ("?*", "x", true),
        ];
        for (pattern, text, expected) in cases {
            let glob = Glob::compile(pattern, WILD);
            assert_eq!(
                glob.matches(text, Case::Sensitive, &NoVariables),
                *expected,
                "{pattern} vs {text}"
            );
        }
    }

    /// The obvious exponential definition, for small inputs only.
    fn naive(pattern: &[u8], text: &[u8]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some((b'*', rest)) => (0..=text.len()).any(|i| naive(rest, &text[i..])),
            Some((b'?', rest)) => !text.is_empty() && naive(rest, &text[1..]),
            Some((c, rest)) => text.first() == Some(c) && naive(rest, &text[1..]),
        }
    }

    fn all_strings(alphabet: &[u8], max_len: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..max_len {
            let mut next = Vec::new();
            for prefix in &frontier {
                for &c in alphabet {
                    let mut s = prefix.clone();
                    s.push(char::from(c));
                    next.push(s);
                }
            }
            out.extend(next.iter().cloned());
            frontier = next;
        }
        out
    }

    #[test]
    fn agrees_with_naive_matcher_exhaustively() {
        let patterns = all_strings(b"ab*?", 5);
        let texts = all_strings(b"ab", 5);
        for pattern in &patterns {
            let glob = Glob::compile(pattern, WILD);
            for text in &texts {
                assert_eq!(
                    glob.matches(text, Case::Sensitive, &NoVariables),
                    naive(pattern.as_bytes(), text.as_bytes()),
                    "{pattern:?} vs {text:?}"
                );
            }
        }
    }

    #[test]
    fn no_exponential_blowup() {
        let pattern = "*a".repeat(30) + "b";
        let text = "a".repeat(5000);
        let glob = Glob::compile(&pattern, WILD);
        assert!(!glob.matches(&text, Case::Sensitive, &NoVariables));
    }

    #[test]
    fn actions_fold_case() {
        let glob = Glob::action("IAM:List*");
        assert!(glob.matches("iam:listusers", Case::Insensitive, &NoVariables));
        assert!(glob.matches("Iam:ListUsers", Case::Insensitive, &NoVariables));
        assert!(!glob.matches("iam:GetUser", Case::Insensitive, &NoVariables));
    }

    #[test]
    fn variables_substitute_literally() {
        let vars = Map(vec![
            ("aws:username", "bob"),
            ("aws:principaltag/team", "a*b"),
        ]);
        let glob = Glob::compile("user/${aws:username}/*", WILD);
        assert!(glob.matches("user/bob/x", Case::Sensitive, &vars));
        assert!(!glob.matches("user/alice/x", Case::Sensitive, &vars));
        let tag = Glob::compile("team-${aws:PrincipalTag/team}", WILD);
        assert!(tag.matches("team-a*b", Case::Sensitive, &vars));
        assert!(
            !tag.matches("team-aXb", Case::Sensitive, &vars),
            "substituted * is literal"
        );
        let missing = Glob::compile("x/${aws:userid}", WILD);
        assert!(!missing.matches("x/", Case::Sensitive, &vars));
        let default = Glob::compile("x/${aws:userid, 'nobody'}", WILD);
        assert!(default.matches("x/nobody", Case::Sensitive, &vars));
        let specials = Glob::compile("a${*}b${?}c${$}", WILD);
        assert!(specials.matches("a*b?c$", Case::Sensitive, &vars));
        assert!(!specials.matches("aXb?c$", Case::Sensitive, &vars));
        let empty = Glob::compile("x${aws:username}y", WILD);
        assert!(empty.matches("xboby", Case::Sensitive, &vars));
        let literal = Glob::compile(
            "x/${aws:username}",
            Syntax {
                wildcards: true,
                variables: false,
            },
        );
        assert!(literal.matches("x/${aws:username}", Case::Sensitive, &vars));
    }
}
