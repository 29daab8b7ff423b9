//! Percent-encoding, decoding and URI path normalization as SigV4 defines them.

use std::borrow::Cow;

/// True for RFC 3986 unreserved characters, the only bytes SigV4 leaves unencoded.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble & 0x0f), 16)
        .unwrap_or('0')
        .to_ascii_uppercase()
}

/// Appends `bytes` to `out`, percent-encoding (upper-case hex) every byte that is
/// not unreserved, and also `/` unless `keep_slash`.
pub(crate) fn append_encoded(out: &mut String, bytes: &[u8], keep_slash: bool) {
    let keep = |byte: &u8| is_unreserved(*byte) || (keep_slash && *byte == b'/');
    let mut rest = bytes;
    loop {
        let run = rest.iter().take_while(|byte| keep(byte)).count();
        let Some((plain, tail)) = rest.split_at_checked(run) else {
            return;
        };
        // `plain` is ASCII, so always valid UTF-8.
        out.push_str(std::str::from_utf8(plain).unwrap_or_default());
        let Some((&byte, after)) = tail.split_first() else {
            return;
        };
        out.push('%');
        out.push(hex_digit(byte >> 4));
        out.push(hex_digit(byte));
        rest = after;
    }
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `input` into bytes. Malformed escapes are kept literally,
/// like `form_urlencoded`. With `plus_as_space`, `+` decodes to a space (query strings).
pub(crate) fn decode(input: &str, plus_as_space: bool) -> Cow<'_, [u8]> {
    let bytes = input.as_bytes();
    if !bytes
        .iter()
        .any(|&b| b == b'%' || (plus_as_space && b == b'+'))
    {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&first, tail)) = rest.split_first() {
        match first {
            b'%' => {
                if let [high, low, after @ ..] = tail
                    && let (Some(high), Some(low)) = (hex_value(*high), hex_value(*low))
                {
                    out.push((high << 4) | low);
                    rest = after;
                    continue;
                }
                out.push(b'%');
            }
            b'+' if plus_as_space => out.push(b' '),
            other => out.push(other),
        }
        rest = tail;
    }
    Cow::Owned(out)
}

/// Decodes a query-string component (`+` is a space) into a `String`, replacing
/// invalid UTF-8.
pub(crate) fn decode_query_component(input: &str) -> String {
    String::from_utf8_lossy(&decode(input, true)).into_owned()
}

/// Normalizes a URI path per RFC 3986 §5.2.4 the way AWS SDKs do for SigV4:
/// empty and `.` segments are dropped, `..` pops a segment, the result is absolute
/// and keeps a trailing slash.
pub(crate) fn normalize_path(path: &str) -> Cow<'_, str> {
    if path.is_empty() {
        return Cow::Borrowed("/");
    }
    let absolute = path.starts_with('/');
    if absolute && !path.contains("/.") && !path.contains("//") && !path.starts_with('.') {
        return Cow::Borrowed(path);
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut result = String::with_capacity(path.len() + 1);
    for segment in &segments {
        result.push('/');
        result.push_str(segment);
    }
    let ends_with_slash = ["/", "/.", "/..", "/./", "/../"]
        .iter()
        .any(|suffix| path.ends_with(suffix))
        || path == "."
        || path == "..";
    if result.is_empty() || (ends_with_slash && !result.ends_with('/')) {
        result.push('/');
    }
    Cow::Owned(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(bytes: &[u8], keep_slash: bool) -> String {
        let mut out = String::new();
        append_encoded(&mut out, bytes, keep_slash);
        out
    }

    #[test]
    fn encodes_everything_but_unreserved() {
        assert_eq!(encoded(b"aZ09-._~", false), "aZ09-._~");
        assert_eq!(encoded(b"a b/c%", false), "a%20b%2Fc%25");
        assert_eq!(encoded(b"a b/c%", true), "a%20b/c%25");
        assert_eq!(encoded("ሴ".as_bytes(), true), "%E1%88%B4");
    }

    #[test]
    fn decodes_percent_and_plus() {
        assert_eq!(&*decode("a%2Fb+c", true), b"a/b c");
        assert_eq!(&*decode("a%2Fb+c", false), b"a/b+c");
        assert_eq!(&*decode("%zz%4", true), b"%zz%4");
        assert_eq!(&*decode("%ff", true), [0xff]);
    }

    #[test]
    fn normalizes_like_the_sdks() {
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("foo", "/foo"),
            ("/foo/bar", "/foo/bar"),
            ("/foo/bar/", "/foo/bar/"),
            ("./foo", "/foo"),
            ("../", "/"),
            ("/.", "/"),
            ("/./", "/"),
            ("/foo/bar/.", "/foo/bar/"),
            ("/foo/./bar/./", "/foo/bar/"),
            ("/..", "/"),
            ("/foo/bar/..", "/foo/"),
            ("/foo/../bar/../", "/"),
            ("//example//", "/example/"),
            ("/example1/example2/../..", "/"),
            ("/example/..", "/"),
            ("/./example", "/example"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_path(input), expected, "input {input:?}");
        }
    }
}
