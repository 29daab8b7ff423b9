//! Identifier conversions from AWS names to Rust names.

/// `SAMLAssertion` → `saml_assertion`, with keywords made raw (`r#type`).
pub(crate) fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    if is_keyword(&out) {
        if matches!(out.as_str(), "self" | "super" | "crate") {
            format!("{out}_")
        } else {
            format!("r#{out}")
        }
    } else {
        out
    }
}

/// `UserName` → `USER_NAME`.
pub(crate) fn screaming(name: &str) -> String {
    snake(name).trim_start_matches("r#").to_ascii_uppercase()
}

/// `userNameType` → `UserNameType`.
pub(crate) fn pascal(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// `UserName` → `userName`, as AWS names members in validation messages.
pub(crate) fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

/// The first sentence of an HTML documentation string, as safe Markdown.
pub(crate) fn first_sentence(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if in_tag => {}
            _ => text.push(c),
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = match text.find(". ") {
        Some(end) => text.get(..=end).unwrap_or(&text).to_owned(),
        None => text,
    };
    let sentence: String = sentence.chars().take(240).collect();
    let mut out = String::new();
    for c in sentence.chars() {
        match c {
            '[' | ']' | '`' | '*' | '_' | '<' | '>' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases() {
        for (aws, rust) in [
            ("UserName", "user_name"),
            ("SAMLAssertion", "saml_assertion"),
            ("MFADevices", "mfa_devices"),
            ("Base32StringSeed", "base32_string_seed"),
            ("Type", "r#type"),
            ("IsTruncated", "is_truncated"),
            ("PolicyARN", "policy_arn"),
        ] {
            assert_eq!(snake(aws), rust);
        }
    }

    #[test]
    fn first_sentences() {
        assert_eq!(
            first_sentence("<p>Creates a user. More.</p>"),
            "Creates a user."
        );
        assert_eq!(
            first_sentence("<p>A [list] of <code>x_y</code></p>"),
            "A \\[list\\] of x\\_y"
        );
    }
}
