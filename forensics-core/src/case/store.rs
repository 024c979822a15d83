//! [`Case`]: opening and creating the database, and the examiner actions
//! that are not ingest (tags, notes, key registration).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::{Value, json};

use super::crypt::{self, Passphrase};
use super::custody::{self, CustodyEntry};
use super::schema::{self, SCHEMA_VERSION};
use super::{Error, Result, Session};

/// What a new case is called and who opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseInfo {
    /// The case number of the unit or lab.
    pub case_number: String,
    /// A short title.
    pub title: String,
    /// The examiner opening the case.
    pub examiner: String,
}

/// The kinds of objects in the object tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// An evidence item (image, dump).
    Evidence,
    /// A volume: a partition or the whole medium.
    Volume,
    /// A file system on a volume.
    FileSystem,
    /// A file-system entry.
    File,
    /// A file carved from the media (or from a carved container).
    Carved,
}

impl ObjectKind {
    /// The name stored in `objects.kind`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Evidence => "evidence",
            Self::Volume => "volume",
            Self::FileSystem => "file_system",
            Self::File => "file",
            Self::Carved => "carved",
        }
    }
}

/// An open case database.
pub struct Case {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    pub(crate) session: Option<Session>,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case")
            .field("path", &self.path)
            .field("session", &self.session)
            .finish()
    }
}

impl Case {
    /// Creates a new case file at `path` (which must not exist) and records
    /// `create_case` as the first custody entry.
    pub fn create(path: &Path, info: &CaseInfo, session: Session) -> Result<Case> {
        Self::create_with(path, info, session, None)
    }

    /// [`Self::create`], encrypting the case with `passphrase` when one is
    /// given (see [`super::crypt`]).
    pub fn create_with(
        path: &Path,
        info: &CaseInfo,
        session: Session,
        passphrase: Option<&Passphrase>,
    ) -> Result<Case> {
        if let Some(passphrase) = passphrase {
            passphrase.check_strength()?;
        }
        if path.exists() {
            return Err(Error::AlreadyExists(path.to_path_buf()));
        }
        if info.case_number.trim().is_empty() || info.examiner.trim().is_empty() {
            return Err(Error::Invalid(
                "a case needs a case number and an examiner".into(),
            ));
        }
        let conn = crypt::open_connection(path, OpenFlags::default(), passphrase)?;
        let mut case = Case {
            conn,
            path: path.to_path_buf(),
            session: Some(session),
        };
        schema::configure(&case.conn).map_err(Error::sqlite(path))?;
        schema::migrate(&mut case.conn, 0).map_err(Error::sqlite(path))?;
        case.register_key_if_new()?;
        case.write("create_case", |tx, session| {
            let created_utc = session.clock.now().to_rfc3339();
            tx.execute(
                "INSERT INTO case_info (id, case_number, title, created_utc, created_by)
                 VALUES (1, ?1, ?2, ?3, ?4)",
                params![info.case_number, info.title, created_utc, info.examiner],
            )?;
            Ok((
                (),
                json!({
                    "case_number": info.case_number,
                    "title": info.title,
                    "examiner": info.examiner,
                    "schema_version": SCHEMA_VERSION,
                }),
            ))
        })?;
        Ok(case)
    }

    /// Opens an existing case, migrating its schema if it is older. Reading
    /// needs no session; changes do ([`Self::set_session`]).
    pub fn open(path: &Path) -> Result<Case> {
        Self::open_with(path, None)
    }

    /// [`Self::open`] for a case that may be encrypted: `passphrase` is its
    /// key. An encrypted case opened without one, or with a wrong one, is an
    /// error that says so.
    pub fn open_with(path: &Path, passphrase: Option<&Passphrase>) -> Result<Case> {
        if !path.is_file() {
            return Err(Error::NotFound(format!("case {}", path.display())));
        }
        if passphrase.is_none() && crypt::is_encrypted(path)? {
            return Err(crypt::passphrase_needed(path));
        }
        let mut conn = crypt::open_connection(path, OpenFlags::SQLITE_OPEN_READ_WRITE, passphrase)?;
        let not_a_case = |what: String| Error::NotACase {
            path: path.to_path_buf(),
            what,
        };
        let version = schema::current_version(&conn)
            .map_err(|e| not_a_case(e.to_string()))?
            .ok_or_else(|| not_a_case("no schema_info table".into()))?;
        if version == 0 {
            return Err(not_a_case("empty database".into()));
        }
        if version > SCHEMA_VERSION {
            return Err(not_a_case(format!(
                "schema version {version} is newer than this tool's {SCHEMA_VERSION}"
            )));
        }
        schema::configure(&conn).map_err(Error::sqlite(path))?;
        schema::migrate(&mut conn, version).map_err(Error::sqlite(path))?;
        Ok(Case {
            conn,
            path: path.to_path_buf(),
            session: None,
        })
    }

    /// Sets who acts on the case from now on; registers the session's public
    /// key (with a custody entry signed by it) if the case does not know it.
    ///
    /// Once an examiner has registered a key, every later entry of theirs
    /// must be signed: a session of that examiner without a key is refused.
    pub fn set_session(&mut self, session: Session) -> Result<()> {
        if session.signing_key.is_none() {
            let registered: Option<String> = self
                .conn
                .query_row(
                    "SELECT key_id FROM examiners WHERE name = ?1 ORDER BY registered_seq LIMIT 1",
                    params![session.examiner],
                    |row| row.get(0),
                )
                .optional()
                .map_err(Error::sqlite(&self.path))?;
            if let Some(key_id) = registered {
                return Err(Error::Invalid(format!(
                    "{} signs entries in this case with key {key_id}: give the private key (--key)",
                    session.examiner
                )));
            }
        }
        self.session = Some(session);
        self.register_key_if_new()
    }

    /// The case file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The session changes are made in, if one is set.
    pub(crate) fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Runs `change` in one transaction together with the custody entry for
    /// `action` whose details `change` returns.
    pub(crate) fn write<T>(
        &mut self,
        action: &str,
        change: impl FnOnce(&Transaction<'_>, &Session) -> rusqlite::Result<(T, Value)>,
    ) -> Result<(T, CustodyEntry)> {
        let session = self.session.as_ref().ok_or(Error::NoSession)?;
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(Error::sqlite(&path))?;
        let (value, details) = change(&tx, session).map_err(Error::sqlite(&path))?;
        let entry = custody::append(&tx, session, action, details).map_err(Error::sqlite(&path))?;
        tx.commit().map_err(Error::sqlite(&path))?;
        Ok((value, entry))
    }

    /// Records the session key's public half in `examiners` unless present.
    fn register_key_if_new(&mut self) -> Result<()> {
        let Some(key) = self.session.as_ref().and_then(|s| s.signing_key.as_ref()) else {
            return Ok(());
        };
        let key_id = key.key_id();
        let public_key = key.public_key_hex();
        let known: Option<String> = self
            .conn
            .query_row(
                "SELECT public_key FROM examiners WHERE key_id = ?1",
                params![key_id],
                |row| row.get(0),
            )
            .optional()
            .map_err(Error::sqlite(&self.path))?;
        if known.is_some() {
            return Ok(());
        }
        self.write("register_key", |tx, session| {
            let next_seq: i64 = tx.query_row(
                "SELECT coalesce(max(seq), 0) + 1 FROM custody_log",
                [],
                |row| row.get(0),
            )?;
            tx.execute(
                "INSERT INTO examiners (key_id, name, public_key, registered_seq)
                 VALUES (?1, ?2, ?3, ?4)",
                params![key_id, session.examiner, public_key, next_seq],
            )?;
            Ok((
                (),
                json!({"key_id": key_id, "public_key": public_key, "examiner": session.examiner}),
            ))
        })?;
        Ok(())
    }

    /// Tags object `object_id` with `tag` ([`super::annotate::tag`]).
    pub fn tag(&mut self, object_id: i64, tag: &str) -> Result<CustodyEntry> {
        super::annotate::tag(self, object_id, tag)
    }

    /// Adds a note ([`super::annotate::note`]).
    pub fn note(
        &mut self,
        object_id: Option<i64>,
        text: &str,
        bookmark: bool,
    ) -> Result<(i64, CustodyEntry)> {
        super::annotate::note(self, object_id, text, bookmark)
    }

    /// The custody log, in sequence order.
    pub fn custody_log(&self) -> Result<Vec<CustodyEntry>> {
        custody::read_all(&self.conn).map_err(Error::sqlite(&self.path))
    }

    /// The hash of the last custody entry (the chain head).
    pub fn chain_head(&self) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT entry_hash FROM custody_log ORDER BY seq DESC LIMIT 1",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(Error::sqlite(&self.path))
    }

    /// The case number, title, creation time and creator.
    pub fn info(&self) -> Result<(CaseInfo, String)> {
        super::query::info(&mut self.reader())
    }
}
