//! The case database on a PostgreSQL server, shared by several examiners
//! and batch workers: [`PgCase`].
//!
//! # Brief overview
//! 1. [`PgCase::create`] connects (a `postgres://` URL or a Unix-socket
//!    directory, see [`target`]), and in **one** transaction creates the
//!    tables of `schema.sql` (the same tables and columns as the SQLite
//!    schema), marks the database in `schema_info`, and writes the
//!    `create_case` custody entry (after `register_key` when the session
//!    signs). A database that holds anything already is refused.
//! 2. [`PgCase::open`] checks `schema_info` (a case, of this version).
//! 3. Every change goes through
//!    [`CaseStore::write_with_custody`](crate::case::backend::CaseStore):
//!    its transaction first takes the advisory lock [`CUSTODY_LOCK_KEY`],
//!    then reads the chain head and appends, so writers on any number of
//!    machines append one after the other and the chain stays linear
//!    (`custody_log.seq` being the primary key, a fork could not even be
//!    stored). The custody log is append-only: triggers refuse `UPDATE`,
//!    `DELETE` and `TRUNCATE`.
//! 4. [`PgCase::verify_chain`] runs the same checks as the SQLite
//!    verification ([`crate::case::verify::verify_store`]): chain, examiners,
//!    row records, evidence re-hashed.
//!
//! Over TCP, connections use TLS when the server offers it and always
//! verify the server's certificate, against the system's authorities or
//! those of the file named by [`ROOT_CERT_ENV`] (`PGSSLROOTCERT`).

mod actions;
mod roles;
mod schema;
mod store;
pub mod target;
mod tls;
mod values;

use postgres::config::SslMode;
use postgres::{Client, IsolationLevel, NoTls};
use serde_json::json;

pub use roles::CaseRole;
pub use schema::PG_SCHEMA_VERSION;
pub use target::is_postgres_url;
pub use tls::ROOT_CERT_ENV;

use super::backend::{SqlValue, StoreTx};
use super::custody;
use super::{CaseInfo, Error, Result, Session};
use schema::DbState;
use store::PgTx;

/// The key of the transaction-scoped advisory lock every custody append
/// takes (`pg_advisory_xact_lock`): "FCAS" and 1. Other tools writing the
/// custody log of a case must take the same lock first.
pub const CUSTODY_LOCK_KEY: i64 = 0x4643_4153_0000_0001;

/// `SELECT pg_advisory_xact_lock(…)` with [`CUSTODY_LOCK_KEY`] as `$1`.
const LOCK_SQL: &str = "SELECT pg_advisory_xact_lock($1)";

/// An open case in a PostgreSQL database.
pub struct PgCase {
    client: Client,
    location: String,
    session: Option<Session>,
}

impl std::fmt::Debug for PgCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgCase")
            .field("location", &self.location)
            .field("session", &self.session)
            .finish()
    }
}

impl PgCase {
    /// Creates a case in the empty database `target` (a `postgres://` URL
    /// or a Unix-socket directory) and records `create_case` as its first
    /// custody entry (after `register_key` when the session has a key).
    pub fn create(target: &str, info: &CaseInfo, session: Session) -> Result<PgCase> {
        if info.case_number.trim().is_empty() || info.examiner.trim().is_empty() {
            return Err(Error::Invalid(
                "a case needs a case number and an examiner".into(),
            ));
        }
        let mut case = Self::connect(target)?;
        let location = case.location.clone();
        let mut tx = case
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()
            .map_err(Error::postgres(&location))?;
        tx.execute(LOCK_SQL, &[&CUSTODY_LOCK_KEY])
            .map_err(Error::postgres(&location))?;
        let refusal = match schema::state(&mut tx).map_err(Error::postgres(&location))? {
            DbState::Empty => None,
            DbState::Case(_) => Some("it already holds a case; a case is never overwritten".into()),
            DbState::Other(what) => Some(format!("it is not empty: {what}")),
        };
        if let Some(what) = refusal {
            return Err(Error::StoreNotEmpty { location, what });
        }
        schema::install(&mut tx).map_err(Error::postgres(&location))?;
        let mut store_tx = PgTx::new(&mut tx, &location);
        if session.signing_key.is_some() {
            actions::register_key(&mut store_tx, &session)?;
        }
        let created_utc = session.clock.now().to_rfc3339();
        store_tx.execute(
            "INSERT INTO case_info (id, case_number, title, created_utc, created_by)
             VALUES (1, $1, $2, $3, $4)",
            &[
                info.case_number.as_str().into(),
                info.title.as_str().into(),
                created_utc.into(),
                info.examiner.as_str().into(),
            ],
        )?;
        let details = json!({
            "case_number": info.case_number,
            "title": info.title,
            "examiner": info.examiner,
            "schema_version": PG_SCHEMA_VERSION,
        });
        custody::append_to(&mut store_tx, &session, "create_case", details)?;
        tx.commit().map_err(Error::postgres(&location))?;
        case.session = Some(session);
        Ok(case)
    }

    /// Opens the case in `target`; with a session, as
    /// [`Self::set_session`] does. Reading needs no session.
    pub fn open(target: &str, session: Option<Session>) -> Result<PgCase> {
        let mut case = Self::connect(target)?;
        let location = case.location.clone();
        let mut tx = case
            .client
            .build_transaction()
            .read_only(true)
            .start()
            .map_err(Error::postgres(&location))?;
        let state = schema::state(&mut tx).map_err(Error::postgres(&location))?;
        tx.commit().map_err(Error::postgres(&location))?;
        if let Some(what) = schema::refuse_open(&state) {
            return Err(Error::NotACase {
                path: location.into(),
                what,
            });
        }
        if let Some(session) = session {
            case.set_session(session)?;
        }
        Ok(case)
    }

    /// Sets who acts on the case from now on; registers the session's public
    /// key (with a custody entry signed by it) if the case does not know it.
    /// As with SQLite cases, an examiner who registered a key must sign.
    pub fn set_session(&mut self, session: Session) -> Result<()> {
        let examiner = session.examiner.clone();
        let key_id = session.signing_key.as_ref().map(|key| key.key_id());
        let mut registered: Option<String> = None;
        let mut known = false;
        crate::case::backend::CaseStore::read(self, &mut |tx| {
            let rows = tx.query(
                "SELECT key_id FROM examiners WHERE name = $1 ORDER BY registered_seq LIMIT 1",
                &[examiner.as_str().into()],
            )?;
            registered = rows
                .first()
                .and_then(|row| row.first())
                .map(|value| value.as_text("key id").map(str::to_string))
                .transpose()?;
            if let Some(key_id) = &key_id {
                let rows = tx.query(
                    "SELECT 1 FROM examiners WHERE key_id = $1",
                    &[SqlValue::Text(key_id.clone())],
                )?;
                known = !rows.is_empty();
            }
            Ok(())
        })?;
        if let (None, Some(registered)) = (&key_id, registered) {
            return Err(Error::Invalid(format!(
                "{examiner} signs entries in this case with key {registered}: give the private key (--key)"
            )));
        }
        self.session = Some(session);
        if key_id.is_some() && !known {
            self.register_session_key()?;
        }
        Ok(())
    }

    /// Connects to `target` without looking at what the database holds.
    fn connect(target: &str) -> Result<PgCase> {
        let target = target::parse(target, &target::process_env)?;
        let connected = match target.config.get_ssl_mode() {
            SslMode::Disable => target.config.connect(NoTls),
            _ => target
                .config
                .connect(tls::connector(target.root_cert.as_deref())?),
        };
        let client = connected.map_err(Error::postgres(&target.location))?;
        Ok(PgCase {
            client,
            location: target.location,
            session: None,
        })
    }
}
