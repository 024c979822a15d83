//! SQLite's `GLOB` matching, done in Rust so `case ls --path GLOB` means the
//! same on every store (PostgreSQL has no `GLOB`): `*` matches any run of
//! characters (`/` included), `?` exactly one character, `[...]` one
//! character of a set (`[^...]` negated, `a-z` ranges, a `]` first in the
//! set is literal, a `-` first or last is literal), everything else itself,
//! case-sensitively. There is no escape character; an unclosed `[` matches
//! nothing.

/// One member of a `[...]` set.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SetItem {
    One(char),
    Range(char, char),
}

/// One parsed element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// `*`.
    Any,
    /// `?`.
    One,
    /// A literal character.
    Literal(char),
    /// `[...]`.
    Set { items: Vec<SetItem>, negated: bool },
    /// An unclosed `[`: matches no character.
    Never,
}

impl Token {
    fn matches(&self, c: char) -> bool {
        match self {
            Self::Any | Self::One => true,
            Self::Literal(literal) => *literal == c,
            Self::Set { items, negated } => {
                let seen = items.iter().any(|item| match item {
                    SetItem::One(one) => *one == c,
                    SetItem::Range(low, high) => (*low..=*high).contains(&c),
                });
                seen != *negated
            }
            Self::Never => false,
        }
    }
}

/// Parses a set whose `[` was just read; returns the token and the chars
/// left after its `]`.
fn parse_set(chars: &[char]) -> (Token, &[char]) {
    let mut rest = chars;
    let mut negated = false;
    let mut items = Vec::new();
    if let Some(('^', tail)) = rest.split_first() {
        negated = true;
        rest = tail;
    }
    if let Some((']', tail)) = rest.split_first() {
        items.push(SetItem::One(']'));
        rest = tail;
    }
    // The previous single character, which a `-` may start a range from.
    let mut prior: Option<char> = None;
    loop {
        match rest {
            [] => return (Token::Never, rest),
            [']', tail @ ..] => return (Token::Set { items, negated }, tail),
            ['-', high, tail @ ..] if *high != ']' && prior.is_some() => {
                if let Some(low) = prior.take() {
                    items.push(SetItem::Range(low, *high));
                }
                rest = tail;
            }
            [c, tail @ ..] => {
                items.push(SetItem::One(*c));
                prior = Some(*c);
                rest = tail;
            }
        }
    }
}

fn parse(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut rest = chars.as_slice();
    let mut tokens = Vec::new();
    while let Some((c, tail)) = rest.split_first() {
        rest = tail;
        tokens.push(match c {
            '*' => Token::Any,
            '?' => Token::One,
            '[' => {
                let (token, after) = parse_set(rest);
                rest = after;
                token
            }
            other => Token::Literal(*other),
        });
    }
    tokens
}

/// A compiled glob pattern.
#[derive(Debug, Clone)]
pub(crate) struct Glob {
    tokens: Vec<Token>,
}

impl Glob {
    /// Compiles `pattern` (never fails: every string is a pattern).
    pub(crate) fn new(pattern: &str) -> Self {
        Self {
            tokens: parse(pattern),
        }
    }

    /// Whether `text` matches as a whole, as SQLite's `text GLOB pattern`.
    /// Linear backtracking over the last `*`: O(pattern × text) at worst.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let (mut p, mut t) = (0, 0);
        // The last `*` seen and the text position it currently stands for.
        let mut star: Option<(usize, usize)> = None;
        while let Some(&c) = text.get(t) {
            match self.tokens.get(p) {
                Some(Token::Any) => {
                    star = Some((p, t));
                    p += 1;
                }
                Some(token) if token.matches(c) => {
                    p += 1;
                    t += 1;
                }
                _ => match star {
                    Some((star_p, star_t)) => {
                        p = star_p + 1;
                        t = star_t + 1;
                        star = Some((star_p, star_t + 1));
                    }
                    None => return false,
                },
            }
        }
        self.tokens
            .get(p..)
            .is_some_and(|left| left.iter().all(|token| *token == Token::Any))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERNS: &[&str] = &[
        "", "*", "?", "/*", "/DOCS/*", "*.txt", "*.TXT", "/?OCS/*", "*[0-9]*", "*[^a-z]", "[]]*",
        "[]a]*", "[^]]*", "[a-]*", "[-a]*", "[a-c-e]*", "[z-a]*", "[*", "*[", "a[", "[^", "**/a",
        "*a*b*", "?*?", "/é*", "*ü?", "[é-ü]*", "*\\*", "[!a]*", "*/",
    ];
    const TEXTS: &[&str] = &[
        "",
        "/",
        "a",
        "]",
        "-",
        "b",
        "d",
        "e",
        "/DOCS/a.txt",
        "/DOCS/B.TXT",
        "/docs/x1",
        "/a",
        "x/a",
        "/éa",
        "/xüy",
        "ab",
        "aXbYb",
        "\\x",
        "!a",
        "[",
        "a[",
        "*",
        "abc/",
    ];

    #[test]
    fn matches_exactly_what_sqlite_glob_matches() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut checked = 0;
        for pattern in PATTERNS {
            let glob = Glob::new(pattern);
            for text in TEXTS {
                let sqlite: bool = conn
                    .query_row("SELECT ?1 GLOB ?2", [text, pattern], |row| row.get(0))
                    .unwrap();
                assert_eq!(
                    glob.matches(text),
                    sqlite,
                    "{text:?} GLOB {pattern:?}: SQLite says {sqlite}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, PATTERNS.len() * TEXTS.len());
    }

    #[test]
    fn star_backtracking_stays_linear_on_a_hostile_pattern() {
        let text = "a".repeat(5_000);
        let pattern = format!("{}b", "*a".repeat(50));
        assert!(!Glob::new(&pattern).matches(&text));
    }
}
