//! Where each statement of a policy document is in its text, as the IAM policy simulator
//! reports it (`MatchedStatements[].StartPosition` / `EndPosition`): the line and column
//! (both from 1) of the statement object's `{` and of its `}`.

/// A line and column in a document, both counted from 1 (columns in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextPosition {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

/// The span of one statement: its opening and closing brace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementSpan {
    /// The statement's `{`.
    pub start: TextPosition,
    /// The statement's `}`.
    pub end: TextPosition,
}

/// The spans of the document's statements, in document order (one for a `Statement` given
/// as a single object). Empty when the text has no top-level `Statement`; the text is
/// assumed to be JSON that parsing already accepted.
pub fn statement_spans(text: &str) -> Vec<StatementSpan> {
    let mut spans = Vec::new();
    let mut position = TextPosition { line: 1, column: 0 };
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut string = String::new();
    let mut last_key_at_root: Option<String> = None;
    // The depth at which statement objects open: 2 for `"Statement": {…}`, 3 inside `[…]`.
    let mut statement_depth: Option<usize> = None;
    let mut open: Option<TextPosition> = None;
    for c in text.chars() {
        if c == '\n' {
            position.line += 1;
            position.column = 0;
        } else {
            position.column += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                if depth == 1 {
                    last_key_at_root = Some(std::mem::take(&mut string));
                }
            } else if depth == 1 {
                string.push(c);
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                string.clear();
            }
            ':' if depth == 1 && last_key_at_root.as_deref() == Some("Statement") => {
                statement_depth = Some(0);
            }
            ',' if depth == 1 => {
                last_key_at_root = None;
                statement_depth = None;
            }
            '{' | '[' => {
                depth += 1;
                if statement_depth == Some(0) {
                    // The value of `Statement`: an object (a statement) or an array of them.
                    statement_depth = Some(if c == '[' { 3 } else { 2 });
                }
                if c == '{' && statement_depth == Some(depth) {
                    open = Some(position);
                }
            }
            '}' | ']' => {
                if c == '}'
                    && statement_depth == Some(depth)
                    && let Some(start) = open.take()
                {
                    spans.push(StatementSpan {
                        start,
                        end: position,
                    });
                }
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    // The `Statement` value has closed.
                    statement_depth = None;
                }
            }
            _ => {}
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> TextPosition {
        TextPosition { line, column }
    }

    #[test]
    fn statements_of_an_array_are_located() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n    {\"Effect\": \"Deny\", \"Action\": \"s3:Delete*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}\n  ]\n}";
        let spans = statement_spans(text);
        assert_eq!(spans.len(), 2);
        assert_eq!((spans[0].start, spans[0].end), (at(4, 5), at(4, 58)));
        assert_eq!(spans[1].start, at(5, 5));
    }

    #[test]
    fn a_single_statement_object_and_braces_in_strings() {
        let text = r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::{b}"},"Id":"x{"}"#;
        let spans = statement_spans(text);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].start, at(1, 14));
        assert_eq!(spans[0].end, at(1, 77));
    }
}
