//! A small XML writer for Query responses, with complete escaping.
//!
//! Text is escaped so that any Rust string reads back unchanged, except for
//! the characters XML 1.0 cannot carry at all (most C0 controls and
//! U+FFFE/U+FFFF), which become U+FFFD.

/// The size a response body usually stays within (GetUser's is ~600 bytes).
const TYPICAL_RESPONSE_BYTES: usize = 1024;

/// Writes XML elements into a `String`. Element names come from the model
/// and are trusted; text is always escaped.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
}

impl XmlWriter {
    /// An empty writer, with room for a typical response so that writing it does not
    /// reallocate along the way.
    pub fn new() -> Self {
        Self {
            out: String::with_capacity(TYPICAL_RESPONSE_BYTES),
        }
    }

    /// A writer for a whole document: it starts with the XML declaration
    /// (`<?xml version="1.0" encoding="UTF-8"?>`), as S3's answers do.
    pub fn document() -> Self {
        let mut writer = Self::new();
        writer
            .out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        writer
    }

    /// Writes `<name xmlns="namespace"/>`, an element with no content.
    pub fn empty_with_namespace(&mut self, name: &str, namespace: &str) {
        self.start_with_namespace(name, namespace);
        self.out.pop();
        self.out.push_str("/>");
    }

    /// Writes `<name>`.
    pub fn start(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Writes `<name xmlns="namespace">` (or `<name>` when the namespace is empty).
    pub fn start_with_namespace(&mut self, name: &str, namespace: &str) {
        if namespace.is_empty() {
            return self.start(name);
        }
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(" xmlns=\"");
        escape_into(namespace, &mut self.out);
        self.out.push_str("\">");
    }

    /// Writes `</name>`.
    pub fn end(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Writes `<name>…</name>` with the content written by `content`.
    pub fn element(&mut self, name: &str, content: impl FnOnce(&mut Self)) {
        self.start(name);
        content(self);
        self.end(name);
    }

    /// Writes `<name>text</name>`, escaping `text`.
    pub fn text_element(&mut self, name: &str, text: &str) {
        self.start(name);
        self.text(text);
        self.end(name);
    }

    /// Writes escaped text.
    pub fn text(&mut self, text: &str) {
        escape_into(text, &mut self.out);
    }

    /// The document written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Escapes `text` for use in XML content or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, &mut out);
    out
}

/// Appends `text` escaped: runs of characters that need nothing are copied whole.
fn escape_into(text: &str, out: &mut String) {
    let mut copied = 0;
    for (at, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            // A literal CR would be normalized to LF by readers.
            '\r' => "&#xD;",
            c if is_xml_char(c) => continue,
            _ => "\u{FFFD}",
        };
        out.push_str(text.get(copied..at).unwrap_or_default());
        out.push_str(replacement);
        copied = at + c.len_utf8();
    }
    out.push_str(text.get(copied..).unwrap_or_default());
}

/// `true` for the characters XML 1.0 allows (its `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_start_with_the_declaration_and_empty_elements_close_themselves() {
        let mut w = XmlWriter::document();
        w.empty_with_namespace("LocationConstraint", "urn:x");
        assert_eq!(
            w.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"urn:x\"/>"
        );
        let mut w = XmlWriter::new();
        w.empty_with_namespace("Empty", "");
        assert_eq!(w.finish(), "<Empty/>");
    }

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(escape(r#"a&b<c>d"e'f"#), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
        assert_eq!(
            escape("x\u{0}y\u{FFFE}\r\n\t"),
            "x\u{FFFD}y\u{FFFD}&#xD;\n\t"
        );
        assert_eq!(escape("é&ü\u{1F600}<"), "é&amp;ü\u{1F600}&lt;");
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn nested_elements() {
        let mut w = XmlWriter::new();
        w.start_with_namespace("R", "urn:x");
        w.element("A", |w| w.text_element("B", "1<2"));
        w.end("R");
        assert_eq!(w.finish(), r#"<R xmlns="urn:x"><A><B>1&lt;2</B></A></R>"#);
    }
}
