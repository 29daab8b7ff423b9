//! Translation of the models' Java regular expressions to the `regex` crate.
//!
//! Java's `\w`, `\d` and `\s` are ASCII-only while the `regex` crate's are
//! Unicode-aware, so they become explicit ASCII classes. `\uXXXX` escapes
//! become `\x{XXXX}`, and UTF-16 surrogate pairs are joined into one code
//! point. Java's `matches()` is a whole-string match, so the result is
//! anchored. Look-arounds, which the `regex` crate lacks, are supported
//! through [`LOOKAROUND_EQUIVALENTS`]: a regex to match plus one whose
//! matches are rejected.

/// Hand-checked equivalents of look-around patterns found in the models:
/// (Java pattern, regex to match, regex that must not match).
const LOOKAROUND_EQUIVALENTS: &[(&str, &str, &str)] = &[
    // IAM account aliases: alphanumeric ends, no `--` anywhere.
    (
        r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
        r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$",
        "--",
    ),
];

/// A Java pattern compiled for the `regex` crate.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Translation {
    /// The anchored regex every valid value matches.
    pub(crate) matches: String,
    /// A regex no valid value contains.
    pub(crate) rejects: Option<String>,
}

/// The `regex`-crate form of a Java pattern, or `None` when it cannot be
/// expressed (the generator then fails).
pub(crate) fn translate(java: &str) -> Option<Translation> {
    if let Some((_, matches, rejects)) = LOOKAROUND_EQUIVALENTS.iter().find(|(j, ..)| *j == java) {
        return Some(Translation {
            matches: format!("^(?:{matches})$"),
            rejects: Some((*rejects).to_owned()),
        });
    }
    translate_plain(java).map(|matches| Translation {
        matches,
        rejects: None,
    })
}

fn translate_plain(java: &str) -> Option<String> {
    let chars: Vec<char> = java.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c != '\\' {
            if c == '('
                && chars.get(i + 1) == Some(&'?')
                && matches!(chars.get(i + 2), Some('=' | '!' | '<'))
            {
                return None;
            }
            out.push(c);
            i += 1;
            continue;
        }
        let &escaped = chars.get(i + 1)?;
        i += 2;
        match escaped {
            'w' => out.push_str("[0-9A-Za-z_]"),
            'W' => out.push_str("[^0-9A-Za-z_]"),
            'd' => out.push_str("[0-9]"),
            'D' => out.push_str("[^0-9]"),
            's' => out.push_str(r"[\t\n\x0B\x0C\r ]"),
            'S' => out.push_str(r"[^\t\n\x0B\x0C\r ]"),
            'u' => {
                let unit = hex4(&chars, i)?;
                i += 4;
                let mut code = unit;
                let next_is_escape = chars.get(i) == Some(&'\\') && chars.get(i + 1) == Some(&'u');
                if (0xD800..0xDC00).contains(&unit)
                    && next_is_escape
                    && let Some(low) =
                        hex4(&chars, i + 2).filter(|low| (0xDC00..0xE000).contains(low))
                {
                    code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
                if (0xD800..0xE000).contains(&code) {
                    // A lone surrogate cannot occur in a Rust string; Java
                    // would only match it in malformed UTF-16.
                    code = 0xFFFD;
                }
                out.push_str(&format!("\\x{{{code:X}}}"));
            }
            c if c.is_ascii_alphanumeric() => {
                out.push('\\');
                out.push(c);
            }
            c => {
                out.push_str(&regex_escape(c));
            }
        }
    }
    let anchored = format!("^(?:{out})$");
    regex::Regex::new(&anchored).ok().map(|_| anchored)
}

fn hex4(chars: &[char], start: usize) -> Option<u32> {
    let digits: String = chars.get(start..start + 4)?.iter().collect();
    u32::from_str_radix(&digits, 16).ok()
}

fn regex_escape(c: char) -> String {
    if c.is_ascii_punctuation() {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(java: &str, text: &str) -> bool {
        let t = translate(java).unwrap();
        let rejected = t
            .rejects
            .is_some_and(|r| regex::Regex::new(&r).unwrap().is_match(text));
        regex::Regex::new(&t.matches).unwrap().is_match(text) && !rejected
    }

    #[test]
    fn java_semantics() {
        assert!(matches(r"[\w+=,.@-]+", "bob+1@x.com"));
        assert!(!matches(r"[\w+=,.@-]+", "bøb"));
        assert!(!matches(r"[\w+=,.@-]+", "a b"));
        assert!(matches(r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)", "/a/b/"));
        assert!(!matches(r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)", "a/"));
        assert!(matches(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*", "Ünïcode 1"));
        assert!(matches(
            r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*",
            "a😀\t"
        ));
        assert!(matches(
            r"^(\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$",
            "123456789012"
        ));
        assert!(!matches(
            r"^(\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$",
            "123456789012x"
        ));
        assert_eq!(translate_plain(r"a(?!-)"), None);
        let alias = r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$";
        assert!(matches(alias, "my-alias-1"));
        assert!(!matches(alias, "my--alias"));
        assert!(!matches(alias, "-alias"));
        assert!(!matches(alias, "ab"));
    }
}
