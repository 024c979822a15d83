//! User keywords: literals and regular expressions (`re:` prefix), searched
//! in ASCII and UTF-16LE text, optionally ignoring case.

use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use std::path::Path;

/// Most bytes of a keyword file read.
pub const MAX_KEYWORD_FILE_BYTES: u64 = 16 << 20;

/// A keyword list that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeywordError {
    /// The file could not be read.
    #[error("cannot read keyword file {path}: {source}")]
    Io {
        /// The keyword file.
        path: std::path::PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_KEYWORD_FILE_BYTES`].
    #[error("keyword file {path} is larger than {MAX_KEYWORD_FILE_BYTES} bytes")]
    TooLarge {
        /// The keyword file.
        path: std::path::PathBuf,
    },
    /// A keyword does not compile.
    #[error("keyword {keyword:?} is not a valid pattern: {message}")]
    Pattern {
        /// The keyword as written.
        keyword: String,
        /// The compiler's message.
        message: String,
    },
    /// There is no keyword at all.
    #[error("the keyword list is empty")]
    Empty,
}

/// A compiled keyword list.
#[derive(Debug, Clone)]
pub struct Keywords {
    entries: Vec<String>,
    regex: Regex,
}

/// A literal as a pattern matching exactly its bytes.
fn escape_literal(literal: &str) -> String {
    literal
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!(r"\x{b:02x}")
            }
        })
        .collect()
}

impl Keywords {
    /// Compiles `lines`: each a literal, or a regular expression after `re:`;
    /// empty lines and lines starting with `#` are skipped.
    pub fn new<S: AsRef<str>>(lines: &[S], ignore_case: bool) -> Result<Self, KeywordError> {
        let entries: Vec<String> = lines
            .iter()
            .map(|l| l.as_ref().trim_end_matches(['\r', '\n']).to_string())
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        if entries.is_empty() {
            return Err(KeywordError::Empty);
        }
        let patterns: Vec<String> = entries
            .iter()
            .map(|e| match e.strip_prefix("re:") {
                Some(re) => re.to_string(),
                None => escape_literal(e),
            })
            .collect();
        let syntax = syntax::Config::new()
            .unicode(false)
            .utf8(false)
            .case_insensitive(ignore_case);
        // Compile one by one first, to name the keyword that fails.
        for (entry, pattern) in entries.iter().zip(&patterns) {
            Regex::builder()
                .syntax(syntax)
                .build(pattern)
                .map_err(|e| KeywordError::Pattern {
                    keyword: entry.clone(),
                    message: e.to_string(),
                })?;
        }
        let regex = Regex::builder()
            .syntax(syntax)
            .configure(Regex::config().utf8_empty(false))
            .build_many(&patterns)
            .map_err(|e| KeywordError::Pattern {
                keyword: entries.join(", "),
                message: e.to_string(),
            })?;
        Ok(Self { entries, regex })
    }

    /// Reads a keyword file (one keyword a line).
    pub fn from_file(path: &Path, ignore_case: bool) -> Result<Self, KeywordError> {
        let io = |source| KeywordError::Io {
            path: path.into(),
            source,
        };
        let len = std::fs::metadata(path).map_err(io)?.len();
        if len > MAX_KEYWORD_FILE_BYTES {
            return Err(KeywordError::TooLarge { path: path.into() });
        }
        let text = std::fs::read(path).map_err(io)?;
        let text = String::from_utf8_lossy(&text);
        let lines: Vec<&str> = text.lines().collect();
        Self::new(&lines, ignore_case)
    }

    /// The keywords as given.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Non-empty hits in `text`: (start, end, index of the keyword).
    pub fn find(&self, text: &[u8]) -> Vec<(usize, usize, usize)> {
        self.regex
            .find_iter(text)
            .filter(|m| !m.is_empty())
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_regexes() {
        let k = Keywords::new(&["a.b", "re:pass(word)?"], true).unwrap_or_else(|e| panic!("{e}"));
        let hits = k.find(b"xa.b axb PASSWORD");
        assert_eq!(hits, vec![(1, 4, 0), (9, 17, 1)]);
        assert!(matches!(
            Keywords::new(&["re:("], false),
            Err(KeywordError::Pattern { .. })
        ));
        assert!(matches!(
            Keywords::new(&["", "# c"], false),
            Err(KeywordError::Empty)
        ));
    }
}
