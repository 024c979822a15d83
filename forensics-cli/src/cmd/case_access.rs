//! Who acts on a case and how a case file is opened: the examiner's
//! session (name, clock, host, command line, signing key) and the
//! passphrase of an encrypted case.
//!
//! The passphrase comes from `FORENSICS_CASE_PASSPHRASE` or, on a terminal,
//! from a prompt; it is never an argument, so it stays out of shell
//! histories, process lists and the custody log's command lines.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use forensics_core::case::keys::SigningKey;
use forensics_core::case::{Case, Clock, PASSPHRASE_ENV, Passphrase, Session, is_encrypted};
use forensics_core::fs::Timestamp;

use crate::args::ExaminerArgs;

/// Environment variable naming the examiner when `--examiner` is not given.
pub(super) const EXAMINER_ENV: &str = "FORENSICS_EXAMINER";

/// The system clock: the one place the wall clock is read.
pub(super) struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let unix_ns = i64::try_from(since_epoch.as_nanos()).unwrap_or(i64::MAX);
        Timestamp { unix_ns }
    }
}

/// The session of the examiner named by `--examiner` or the environment.
pub(super) fn session(who: &ExaminerArgs) -> anyhow::Result<Session> {
    let examiner = who
        .examiner
        .clone()
        .or_else(|| std::env::var(EXAMINER_ENV).ok())
        .filter(|name| !name.trim().is_empty())
        .with_context(|| format!("name the examiner with --examiner or {EXAMINER_ENV}"))?;
    let mut session = Session::new(examiner, Box::new(SystemClock));
    session.command_line = std::env::args().collect();
    session.host = host_name();
    if let Some(path) = &who.key {
        session.signing_key = Some(SigningKey::read_private(path)?);
    }
    Ok(session)
}

/// The machine's host name, as far as it can be found without a syscall crate.
pub(super) fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|text| text.trim().to_string())
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default()
}

pub(super) fn open_for_change(path: &Path, who: &ExaminerArgs) -> anyhow::Result<Case> {
    let session = session(who)?;
    let mut case = open_case(path)?;
    case.set_session(session)?;
    Ok(case)
}

/// The passphrase for the case at `path`: `None` when it is not encrypted.
pub(super) fn passphrase_for(path: &Path) -> anyhow::Result<Option<Passphrase>> {
    if !path.is_file() || !is_encrypted(path)? {
        return Ok(None);
    }
    passphrase(&format!("passphrase for {}: ", path.display())).map(Some)
}

/// The passphrase for a new encrypted case, asked twice on a terminal.
pub(super) fn new_passphrase() -> anyhow::Result<Passphrase> {
    let first = passphrase("passphrase for the new case: ")?;
    if std::env::var_os(PASSPHRASE_ENV).is_none() {
        let again = passphrase("the same passphrase again: ")?;
        if again != first {
            bail!("the two passphrases differ");
        }
    }
    first.check_strength()?;
    Ok(first)
}

fn passphrase(prompt: &str) -> anyhow::Result<Passphrase> {
    if let Ok(secret) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Passphrase::new(secret));
    }
    if !std::io::stdin().is_terminal() {
        bail!("the case is encrypted: set {PASSPHRASE_ENV} (no terminal to ask on)");
    }
    let secret = rpassword::prompt_password(prompt).context("reading the passphrase")?;
    Ok(Passphrase::new(secret))
}

/// Opens the case at `path` for reading, asking for its passphrase when it
/// is encrypted.
pub(super) fn open_case(path: &Path) -> anyhow::Result<Case> {
    let passphrase = passphrase_for(path)?;
    Ok(Case::open_with(path, passphrase.as_ref())?)
}
