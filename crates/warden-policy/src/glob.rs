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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Only `*`: matches everything.
    Everything,
    /// One literal, no wildcards or variables.
    Exact,
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
            _ => Shape::General,
        };
        let variable_count = tokens
            .iter()
            .filter(|t| matches!(t, Token::Variable(_)))
            .count();
        Self {
            tokens: tokens.into_boxed_slice(),
            shape,
            variable_count,
        }
    }

    /// The literal text, when the pattern has no wildcards and no variables.
    pub(crate) fn as_literal(&self) -> Option<&str> {
        match (self.shape, self.tokens.first()) {
            (Shape::Exact, Some(Token::Literal(text))) => Some(text),
            (Shape::Exact, None) => Some(""),
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
        match self.shape {
            Shape::Everything => return true,
            Shape::Exact => {
                let literal = self.as_literal().unwrap_or("");
                return match case {
                    Case::Sensitive => literal == text,
                    Case::Insensitive => literal.eq_ignore_ascii_case(text),
                };
            }
            Shape::General => {}
        }
        if self.variable_count == 0 {
            return self.run(text.as_bytes(), case, &[]);
        }
        if self.variable_count <= STACK_VARIABLES {
            let mut values: [&str; STACK_VARIABLES] = [""; STACK_VARIABLES];
            for (slot, variable) in values.iter_mut().zip(self.variable_slots()) {
                match resolve(variable, variables) {
                    Some(value) => *slot = value,
                    None => return false,
                }
            }
            return self.run(
                text.as_bytes(),
                case,
                values.get(..self.variable_count).unwrap_or(&[]),
            );
        }
        let values: Option<Vec<&str>> = self
            .variable_slots()
            .map(|v| resolve(v, variables))
            .collect();
        values.is_some_and(|values| self.run(text.as_bytes(), case, &values))
    }

    /// The matching loop. `values` holds the resolved variables in slot order.
    fn run(&self, text: &[u8], case: Case, values: &[&str]) -> bool {
        let mut cursor = Cursor::start(self, values);
        let mut t = 0usize;
        let mut backtrack: Option<(Cursor, usize)> = None;
        loop {
            match cursor.element(self, values) {
                Element::End if t == text.len() => return true,
                Element::Star => {
                    cursor.advance(self, values);
                    backtrack = Some((cursor, t));
                    continue;
                }
                Element::One if t < text.len() => {
                    t += char_width(text.get(t).copied().unwrap_or(0));
                    cursor.advance(self, values);
                    continue;
                }
                Element::Byte(expected) => {
                    if let Some(&actual) = text.get(t) {
                        let equal = match case {
                            Case::Sensitive => expected == actual,
                            Case::Insensitive => expected.eq_ignore_ascii_case(&actual),
                        };
                        if equal {
                            t += 1;
                            cursor.advance(self, values);
                            continue;
                        }
                    }
                }
                _ => {}
            }
            match &mut backtrack {
                Some((star_cursor, star_t)) if *star_t < text.len() => {
                    *star_t += char_width(text.get(*star_t).copied().unwrap_or(0));
                    cursor = *star_cursor;
                    t = *star_t;
                }
                _ => return false,
            }
        }
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

enum Element {
    End,
    Star,
    One,
    Byte(u8),
}

/// A position inside the pattern: token index, byte offset inside a literal or variable value,
/// and which variable value the token index refers to.
#[derive(Clone, Copy)]
struct Cursor {
    token: usize,
    offset: usize,
    variable: usize,
}

impl Cursor {
    fn start(glob: &Glob, values: &[&str]) -> Self {
        let mut cursor = Self {
            token: 0,
            offset: 0,
            variable: 0,
        };
        cursor.skip_empty(glob, values);
        cursor
    }

    fn text<'a>(&self, glob: &'a Glob, values: &[&'a str]) -> Option<&'a [u8]> {
        match glob.tokens.get(self.token)? {
            Token::Literal(text) => Some(text.as_bytes()),
            Token::Variable(_) => Some(values.get(self.variable).copied().unwrap_or("").as_bytes()),
            Token::Star | Token::One => None,
        }
    }

    fn element(&self, glob: &Glob, values: &[&str]) -> Element {
        match glob.tokens.get(self.token) {
            None => Element::End,
            Some(Token::Star) => Element::Star,
            Some(Token::One) => Element::One,
            Some(_) => match self.text(glob, values).and_then(|t| t.get(self.offset)) {
                Some(&b) => Element::Byte(b),
                None => Element::End,
            },
        }
    }

    fn advance(&mut self, glob: &Glob, values: &[&str]) {
        match glob.tokens.get(self.token) {
            Some(Token::Literal(_) | Token::Variable(_)) => self.offset += 1,
            Some(Token::Star | Token::One) => self.next_token(glob),
            None => return,
        }
        self.skip_empty(glob, values);
    }

    fn next_token(&mut self, glob: &Glob) {
        if matches!(glob.tokens.get(self.token), Some(Token::Variable(_))) {
            self.variable += 1;
        }
        self.token += 1;
        self.offset = 0;
    }

    /// Moves past finished literals and variable values.
    fn skip_empty(&mut self, glob: &Glob, values: &[&str]) {
        while let Some(text) = self.text(glob, values) {
            if self.offset < text.len() {
                break;
            }
            self.next_token(glob);
        }
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
