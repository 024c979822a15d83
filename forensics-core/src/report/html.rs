//! The self-contained HTML report: one file, no external assets (CSS inline,
//! thumbnails as `data:` URIs), print CSS so a browser's "save as PDF" gives
//! a clean document. Deterministic: no wall clock, sorted content.
//!
//! The report is a list of sections ([`sections`]), each a function that
//! appends its HTML; a new kind of finding (carved files, feature
//! histograms) is one more function in that list.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Creator;
use super::content::ContentReader;
use super::data::ReportData;
use super::html_findings as found;
use super::html_sections as part;
use super::html_stages as stages;
use super::xml::is_xml_char;
use crate::case::ReportFile;

/// The report's style sheet (screen and print).
const STYLE: &str = include_str!("html.css");

/// One section of the report.
pub(super) struct Section {
    /// Anchor id.
    pub id: &'static str,
    /// Heading.
    pub title: &'static str,
    /// Appends the section's body.
    pub body: fn(&mut Context<'_, '_>),
}

/// Gives the content of pictures for thumbnails.
pub trait PictureSource {
    /// The content of `file` (at most `cap_bytes`), or `None` when it
    /// cannot be read.
    fn picture(&mut self, file: &ReportFile, cap_bytes: u64) -> Option<Vec<u8>>;
}

impl PictureSource for ContentReader<'_> {
    fn picture(&mut self, file: &ReportFile, cap_bytes: u64) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        self.read(file, cap_bytes, &mut bytes).ok()?;
        Some(bytes)
    }
}

/// What section functions work with.
pub(super) struct Context<'d, 'r> {
    /// The case.
    pub data: &'d ReportData,
    /// Reads pictures for thumbnails, when evidence is reachable.
    pub pictures: Option<&'r mut dyn PictureSource>,
    /// The HTML so far.
    pub html: String,
}

/// The sections, in order.
pub(super) fn sections() -> Vec<Section> {
    vec![
        Section {
            id: "summary",
            title: "Summary",
            body: part::summary,
        },
        Section {
            id: "evidence",
            title: "Evidence items",
            body: part::evidence,
        },
        Section {
            id: "volumes",
            title: "Volumes and file systems",
            body: part::volumes,
        },
        Section {
            id: "tagged",
            title: "Tagged items",
            body: found::tagged,
        },
        Section {
            id: "notes",
            title: "Notes and bookmarks",
            body: found::notes,
        },
        Section {
            id: "hash-sets",
            title: "Hash-set hits",
            body: found::hash_set_hits,
        },
        Section {
            id: "carved",
            title: "Carved files",
            body: stages::carved,
        },
        Section {
            id: "features",
            title: "Features (most frequent values)",
            body: stages::features,
        },
        Section {
            id: "problems",
            title: "Problems found while reading",
            body: found::problems,
        },
        Section {
            id: "files",
            title: "Files",
            body: found::files,
        },
        Section {
            id: "custody",
            title: "Chain of custody",
            body: found::custody,
        },
    ]
}

/// Writes the HTML report of `data` to `out`. With `pictures` (a
/// [`ContentReader`]), tagged pictures get thumbnails.
pub fn write_html(
    data: &ReportData,
    creator: &Creator,
    pictures: Option<&mut dyn PictureSource>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut cx = Context {
        data,
        pictures,
        html: String::new(),
    };
    head(&mut cx);
    cover(&mut cx, creator);
    let list = sections();
    cx.html.push_str("<nav class=\"toc\"><h2>Contents</h2><ol>");
    for section in &list {
        let _ = write!(
            cx.html,
            "<li><a href=\"#{}\">{}</a></li>",
            section.id, section.title
        );
    }
    cx.html.push_str("</ol></nav>\n");
    for (index, section) in list.iter().enumerate() {
        let _ = writeln!(
            cx.html,
            "<section id=\"{}\"><h2><span class=\"num\">{}</span>{}</h2>",
            section.id,
            index + 1,
            section.title
        );
        (section.body)(&mut cx);
        cx.html.push_str("</section>\n");
    }
    footer(&mut cx, creator);
    out.write_all(cx.html.as_bytes())
}

fn head(cx: &mut Context<'_, '_>) {
    let _ = write!(
        cx.html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Case {} — forensic report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        esc(&cx.data.case_number)
    );
}

fn cover(cx: &mut Context<'_, '_>, creator: &Creator) {
    let data = cx.data;
    let scope = if data.tagged_only {
        "Tagged items only"
    } else {
        "All items"
    };
    let head = data.chain_head.as_deref().unwrap_or("(empty log)");
    let _ = write!(
        cx.html,
        "<header class=\"cover\">\n<p class=\"kicker\">Digital forensic examination report</p>\n\
         <h1>Case {}</h1>\n<p class=\"title\">{}</p>\n<dl class=\"facts\">\n\
         <dt>Examiners</dt><dd>{}</dd>\n<dt>Case opened</dt><dd>{} by {}</dd>\n\
         <dt>State of the case as of</dt><dd>{}</dd>\n<dt>Scope</dt><dd>{scope}</dd>\n\
         <dt>Custody chain head</dt><dd class=\"hash\">{}</dd>\n\
         <dt>Produced with</dt><dd>{} {}</dd>\n</dl>\n</header>\n",
        esc(&data.case_number),
        esc(if data.title.is_empty() {
            "(untitled)"
        } else {
            &data.title
        }),
        esc(&data.examiners.join(", ")),
        esc(&data.created_utc),
        esc(&data.created_by),
        esc(data.as_of_utc()),
        esc(head),
        esc(&creator.program),
        esc(&creator.version),
    );
}

fn footer(cx: &mut Context<'_, '_>, creator: &Creator) {
    let _ = write!(
        cx.html,
        "<footer>Case {} · report produced by {} {} from the case database; \
         the custody chain head above identifies the exact state reported.</footer>\n\
         </body>\n</html>\n",
        esc(&cx.data.case_number),
        esc(&creator.program),
        esc(&creator.version)
    );
}

/// `text` escaped for HTML content and attributes; characters that HTML
/// must not contain (C0 controls, noncharacters) become U+FFFD.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' | '\t' | '\n' => out.push(' '),
            c if !is_xml_char(c) || ('\u{7f}'..='\u{9f}').contains(&c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_cannot_open_markup() {
        assert_eq!(
            esc("<script>alert('x')</script>&\u{0}\u{85}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\u{FFFD}\u{FFFD}"
        );
    }
}
