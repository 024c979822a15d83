//! XML 1.0 escaping for text that comes from evidence (file names, paths,
//! metadata), which may hold anything a file system allows: markup
//! characters, control characters, characters XML 1.0 cannot carry at all.
//!
//! - `&`, `<`, `>` (and `"` in attributes) become entity references;
//! - CR, and in attributes also TAB and LF, become character references so
//!   that parsers do not normalise them away;
//! - characters outside XML 1.0's `Char` production (C0 controls other than
//!   TAB, LF and CR; U+FFFE, U+FFFF) cannot be written even as references
//!   and become U+FFFD REPLACEMENT CHARACTER. [`has_unrepresentable`] tells
//!   callers when that happened so they can say so.

/// Whether XML 1.0 can carry `c` (the `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether `text` holds characters that XML 1.0 cannot carry.
pub fn has_unrepresentable(text: &str) -> bool {
    !text.chars().all(is_xml_char)
}

/// `text` escaped for element content.
pub fn escape_text(text: &str) -> String {
    escape(text, false)
}

/// `text` escaped for a double-quoted attribute value.
pub fn escape_attr(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape_text("a<b>&c\"d'"),
            "a&lt;b&gt;&amp;c\"d'".to_string()
        );
        assert_eq!(escape_attr("x\"y\nz\t"), "x&quot;y&#10;z&#9;");
    }

    #[test]
    fn characters_xml_cannot_carry_are_replaced() {
        let hostile = "a\u{0}b\u{1b}c\u{FFFE}d\u{FFFF}e\u{7}";
        assert!(has_unrepresentable(hostile));
        let escaped = escape_text(hostile);
        assert_eq!(escaped, "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}");
        assert!(!has_unrepresentable(&escaped));
    }

    #[test]
    fn carriage_return_survives_parsing_as_a_reference() {
        assert_eq!(escape_text("a\r\nb"), "a&#13;\nb");
        assert!(!has_unrepresentable("tab\tnewline\n emoji \u{1F600}"));
    }
}
