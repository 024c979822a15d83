//! PostgreSQL roles of a shared case: a reader may read every table and
//! nothing else; a reviewer may also annotate (tags, notes and bookmarks,
//! each with its custody entry) but change nothing an examiner or a merge
//! wrote. Granting is itself an attributed custody entry.

use serde::Serialize;
use serde_json::json;

use super::PgCase;
use crate::case::backend::CaseStore;
use crate::case::custody::CustodyEntry;
use crate::case::{Error, Result};

/// Longest PostgreSQL identifier, in bytes.
const MAX_ROLE_BYTES: usize = 63;

/// What a granted role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseRole {
    /// Read every table; write nothing.
    Reader,
    /// Read every table; add tags and notes (with their custody entries).
    Reviewer,
}

impl CaseRole {
    /// The role's name as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Reader => "reader",
            Self::Reviewer => "reviewer",
        }
    }

    /// The statements granting the role's rights to `role` (quoted).
    fn grants(self, role: &str) -> Vec<String> {
        let mut grants = vec![
            format!("GRANT USAGE ON SCHEMA public TO {role}"),
            format!("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"),
        ];
        if self == Self::Reviewer {
            grants.push(format!(
                "GRANT INSERT ON tags, notes, custody_log, examiners TO {role}"
            ));
            grants.push(format!("GRANT USAGE ON SEQUENCE notes_id_seq TO {role}"));
        }
        grants
    }
}

/// `role` as a quoted identifier, if it is a plain one (letters, digits,
/// `_`, not starting with a digit, at most 63 bytes).
fn quoted_role(role: &str) -> Result<String> {
    let plain = !role.is_empty()
        && role.len() <= MAX_ROLE_BYTES
        && role.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !role.starts_with(|c: char| c.is_ascii_digit());
    if !plain {
        return Err(Error::Invalid(format!(
            "{role:?} is not a role name (letters, digits and _, at most {MAX_ROLE_BYTES} bytes)"
        )));
    }
    Ok(format!("\"{role}\""))
}

impl PgCase {
    /// Grants the existing PostgreSQL role `role` the rights of `kind` on
    /// this case, in one transaction with a `grant_role` custody entry
    /// naming the role, its rights and the examiner who granted them.
    pub fn grant_role(&mut self, role: &str, kind: CaseRole) -> Result<CustodyEntry> {
        let quoted = quoted_role(role)?;
        self.write_with_custody("grant_role", &mut |tx| {
            for grant in kind.grants(&quoted) {
                tx.execute(&grant, &[])?;
            }
            Ok(json!({"role": role, "rights": kind.name()}))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_role_names_are_accepted() {
        assert_eq!(quoted_role("reviewer_1").unwrap(), "\"reviewer_1\"");
        for bad in [
            "",
            "1abc",
            "a b",
            "x\"; DROP TABLE files; --",
            &"r".repeat(64),
        ] {
            assert!(quoted_role(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_reader_gets_no_insert() {
        let reader = CaseRole::Reader.grants("\"r\"").join(";");
        assert!(!reader.contains("INSERT"));
        let reviewer = CaseRole::Reviewer.grants("\"r\"").join(";");
        assert!(reviewer.contains("INSERT ON tags, notes, custody_log, examiners"));
    }
}
