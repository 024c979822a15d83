//! `forensics case init|log|verify --store URL|SOCKET_DIR`: a case in a
//! shared PostgreSQL database.
//!
//! A password never goes on the command line: the command line is recorded
//! in every custody entry (and shown in process lists). It comes from
//! `PGPASSWORD` instead.

use std::io::Write;

use anyhow::bail;
use forensics_core::case::CaseInfo;
use forensics_core::case::backend::CaseStore;
use forensics_core::case::pg::{CaseRole, PgCase, is_postgres_url};

use super::case_access::session;
use crate::Outcome;
use crate::args::ExaminerArgs;

/// Fails when `store` is a URL carrying a password.
pub(super) fn refuse_password(store: &str) -> anyhow::Result<()> {
    if !is_postgres_url(store) {
        return Ok(());
    }
    let after_scheme = store.split_once("://").map_or("", |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?']).next().unwrap_or_default();
    let user_info = authority.rsplit_once('@').map(|(user_info, _)| user_info);
    let query = store.split_once('?').map_or("", |(_, query)| query);
    if user_info.is_some_and(|u| u.contains(':'))
        || query.split('&').any(|pair| pair.starts_with("password="))
    {
        bail!(
            "give the database password in PGPASSWORD, not in --store: the command line is \
             recorded in the custody log"
        );
    }
    Ok(())
}

/// Whether `target` names a PostgreSQL store (a `postgres://` URL or the
/// server's socket folder) rather than a case file.
pub(super) fn is_store(target: &str) -> bool {
    is_postgres_url(target) || std::path::Path::new(target).is_dir()
}

/// Opens the case at `target` for the batch merge and status: a PostgreSQL
/// store (a `postgres://` URL or a socket folder) or a SQLite case file,
/// with the examiner's session when `who` is given.
pub(super) fn open_store(
    target: &str,
    who: Option<&ExaminerArgs>,
) -> anyhow::Result<Box<dyn CaseStore>> {
    let session = who.map(session).transpose()?;
    if is_store(target) {
        refuse_password(target)?;
        return Ok(Box::new(PgCase::open(target, session)?));
    }
    let mut case = super::case_access::open_case(std::path::Path::new(target))?;
    if let Some(session) = session {
        case.set_session(session)?;
    }
    Ok(Box::new(case))
}

/// `case grant`: gives an existing PostgreSQL role reader or reviewer
/// rights on the case, with its custody entry.
pub(super) fn grant(
    store: &str,
    role: &str,
    rights: crate::args_case::RightsArg,
    who: &ExaminerArgs,
) -> anyhow::Result<Outcome> {
    refuse_password(store)?;
    let kind = match rights {
        crate::args_case::RightsArg::Reader => CaseRole::Reader,
        crate::args_case::RightsArg::Reviewer => CaseRole::Reviewer,
    };
    let mut case = PgCase::open(store, Some(session(who)?))?;
    let entry = case.grant_role(role, kind)?;
    say!(
        "granted {role} {} rights (custody entry {})",
        kind.name(),
        entry.seq
    );
    Ok(Outcome::Success)
}

/// `case init --store`: creates the case in an empty PostgreSQL database.
pub(super) fn init(
    store: &str,
    case_number: String,
    title: String,
    who: &ExaminerArgs,
) -> anyhow::Result<Outcome> {
    refuse_password(store)?;
    let session = session(who)?;
    let info = CaseInfo {
        case_number,
        title,
        examiner: session.examiner.clone(),
    };
    let mut case = PgCase::create(store, &info, session)?;
    say!(
        "created case {} in {}",
        info.case_number,
        CaseStore::location(&case)
    );
    if let Some(head) = case.chain_head()? {
        say!("chain head {head}");
    }
    Ok(Outcome::Success)
}

/// `case log --store`: the custody log of a PostgreSQL case.
pub(super) fn log(store: &str, json: bool) -> anyhow::Result<Outcome> {
    refuse_password(store)?;
    let mut case = PgCase::open(store, None)?;
    let entries = CaseStore::custody_log(&mut case)?;
    super::case_verify::print_log(&entries, json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_the_store_url_are_refused() {
        assert!(refuse_password("postgres://lab:pw@db/case").is_err());
        assert!(refuse_password("postgresql://lab@/case?host=/run/pg&password=pw").is_err());
        assert!(refuse_password("postgres://lab@db:5432/case").is_ok());
        assert!(refuse_password("postgres://db/case?host=/run/pg").is_ok());
        assert!(refuse_password("/run/postgresql").is_ok());
    }
}
