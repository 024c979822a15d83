//! Quoting for the two languages of an sbatch script: the shell body (POSIX
//! `sh` single quotes) and the `#SBATCH` option lines (sbatch's own parser,
//! where a backslash escapes any character and an unquoted `#` starts a
//! comment).

use std::path::Path;

use super::Error;

/// `text` as one POSIX shell word: single-quoted, each `'` written as `'\''`.
/// Words made only of safe characters stay bare, so scripts read naturally.
pub(crate) fn shell_word(text: &str) -> String {
    let is_safe = |c: char| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c);
    if !text.is_empty() && text.chars().all(is_safe) {
        return text.to_owned();
    }
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for c in text.chars() {
        if c == '\'' {
            quoted.push_str("'\\''");
        } else {
            quoted.push(c);
        }
    }
    quoted.push('\'');
    quoted
}

/// `text` as one argument of an `#SBATCH` line: double-quoted, with `\` and
/// `"` backslash-escaped (sbatch unescapes both, inside quotes too). A line
/// break cannot be written on an `#SBATCH` line at all.
pub(crate) fn sbatch_word(what: &'static str, text: &str) -> Result<String, Error> {
    if text.contains(['\n', '\r']) {
        return Err(Error::LineBreak {
            what,
            text: text.to_owned(),
        });
    }
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        if c == '\\' || c == '"' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    Ok(quoted)
}

/// A path as UTF-8 text (scripts are text; a non-UTF-8 path is refused
/// rather than mangled).
pub(crate) fn path_text<'a>(what: &'static str, path: &'a Path) -> Result<&'a str, Error> {
    path.to_str().ok_or_else(|| Error::NotUtf8 {
        what,
        path: path.to_path_buf(),
    })
}

/// A directory as the start of a Slurm file-name pattern (`--output`): `%`
/// doubled so Slurm keeps it literal. A backslash would switch off all
/// pattern replacement (`%A`, `%a`, `%j`) for the whole name, so it is refused.
pub(crate) fn pattern_dir(what: &'static str, dir: &Path) -> Result<String, Error> {
    let text = path_text(what, dir)?;
    if text.contains('\\') {
        return Err(Error::Backslash {
            what,
            path: dir.to_path_buf(),
        });
    }
    let mut pattern = text.replace('%', "%%");
    if !pattern.ends_with('/') {
        pattern.push('/');
    }
    Ok(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_survive_spaces_quotes_and_dollars() {
        assert_eq!(
            shell_word("/data/case1/units.jsonl"),
            "/data/case1/units.jsonl"
        );
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("/mnt/my evidence"), "'/mnt/my evidence'");
        assert_eq!(shell_word("O'Brien"), "'O'\\''Brien'");
        assert_eq!(shell_word("$HOME `id` \"x\""), "'$HOME `id` \"x\"'");
        assert_eq!(shell_word("a\nb"), "'a\nb'");
    }

    #[test]
    fn sbatch_words_escape_backslash_and_double_quote() {
        assert_eq!(sbatch_word("x", "debug").unwrap(), "\"debug\"");
        assert_eq!(sbatch_word("x", "a b#c").unwrap(), "\"a b#c\"");
        assert_eq!(
            sbatch_word("x", "say \"hi\"").unwrap(),
            "\"say \\\"hi\\\"\""
        );
        assert_eq!(
            sbatch_word("x", "back\\slash").unwrap(),
            "\"back\\\\slash\""
        );
        assert!(matches!(
            sbatch_word("job name", "two\nlines"),
            Err(Error::LineBreak {
                what: "job name",
                ..
            })
        ));
    }

    #[test]
    fn pattern_dirs_keep_percent_literal_and_refuse_backslash() {
        assert_eq!(pattern_dir("x", Path::new("/logs")).unwrap(), "/logs/");
        assert_eq!(pattern_dir("x", Path::new("/100%/")).unwrap(), "/100%%/");
        assert!(matches!(
            pattern_dir("log directory", Path::new("/a\\b")),
            Err(Error::Backslash { .. })
        ));
    }
}
