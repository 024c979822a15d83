//! Where a PostgreSQL case is: a `postgres://` (or `postgresql://`) URL, or
//! the directory holding the server's Unix socket. What the target leaves
//! open comes from the environment variables libpq reads (`PGUSER`,
//! `PGDATABASE`, `PGPORT`, `PGPASSWORD`, `PGSSLROOTCERT`); the user otherwise defaults to the
//! operating-system user, the database to the user's name.
//!
//! The location shown in messages is rebuilt from the parsed configuration
//! and never holds a password.

use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::Config;
use postgres::config::Host;

use crate::case::{Error, Result};

/// How long connecting may take before it is an error.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// A parsed target: the connection settings and the location for messages.
pub(crate) struct Target {
    /// Connection settings, password included when one was given.
    pub(crate) config: Config,
    /// `postgres://user@host:port/db` (or `…?host=/socket/dir`), no password.
    pub(crate) location: String,
    /// The certificate authorities server certificates must chain to
    /// (`PGSSLROOTCERT`), instead of the system's.
    pub(crate) root_cert: Option<PathBuf>,
}

/// Whether `target` names a PostgreSQL case (a URL) rather than a case file.
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

/// Parses `target`, filling what it leaves open from `env` (a lookup of
/// environment variables, so tests need not change the process environment).
pub(crate) fn parse(target: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Target> {
    let mut config = if is_postgres_url(target) {
        target
            .parse::<Config>()
            .map_err(|error| Error::Invalid(format!("not a usable PostgreSQL URL: {error}")))?
    } else if Path::new(target).is_dir() {
        let mut config = Config::new();
        config.host_path(target);
        config
    } else {
        return Err(Error::Invalid(format!(
            "{target:?} is neither a postgres:// URL nor a directory holding a PostgreSQL socket"
        )));
    };
    if config.get_user().is_none()
        && let Some(user) = env("PGUSER")
    {
        config.user(&user);
    }
    if config.get_dbname().is_none() {
        if let Some(dbname) = env("PGDATABASE") {
            config.dbname(&dbname);
        } else if let Some(user) = config.get_user().map(str::to_string) {
            config.dbname(&user);
        }
    }
    if config.get_ports().is_empty()
        && let Some(port) = env("PGPORT")
    {
        let port = port
            .parse::<u16>()
            .map_err(|_| Error::Invalid(format!("PGPORT {port:?} is not a port number")))?;
        config.port(port);
    }
    if config.get_password().is_none()
        && let Some(password) = env("PGPASSWORD")
    {
        config.password(password);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    config.application_name("forensics");
    let location = location(&config);
    let root_cert = env(super::tls::ROOT_CERT_ENV).map(PathBuf::from);
    Ok(Target {
        config,
        location,
        root_cert,
    })
}

/// The process environment, for [`parse`].
pub(crate) fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// `postgres://user@host:port/db`, with Unix-socket directories given as
/// `?host=DIR`; never the password.
fn location(config: &Config) -> String {
    let user = config.get_user().unwrap_or("");
    let dbname = config.get_dbname().unwrap_or("");
    let ports = config.get_ports();
    let mut tcp = Vec::new();
    let mut sockets = Vec::new();
    for (index, host) in config.get_hosts().iter().enumerate() {
        let port = ports.get(index).or_else(|| ports.first());
        match host {
            Host::Tcp(name) => tcp.push(match port {
                Some(port) => format!("{name}:{port}"),
                None => name.clone(),
            }),
            Host::Unix(dir) => sockets.push(dir.display().to_string()),
        }
    }
    let at = if user.is_empty() {
        String::new()
    } else {
        format!("{user}@")
    };
    let mut text = format!("postgres://{at}{}/{dbname}", tcp.join(","));
    if !sockets.is_empty() {
        text.push_str("?host=");
        text.push_str(&sockets.join(","));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_location_never_shows_the_password() {
        let target = parse("postgres://lab:s3cret@db.example:5433/case42", &no_env).unwrap();
        assert_eq!(target.location, "postgres://lab@db.example:5433/case42");
        assert_eq!(target.config.get_password(), Some(&b"s3cret"[..]));
        let target = parse(
            "postgresql://lab@/case42?host=/run/pg&password=s3cret",
            &no_env,
        )
        .unwrap();
        assert_eq!(target.location, "postgres://lab@/case42?host=/run/pg");
        assert!(!target.location.contains("s3cret"));
    }

    #[test]
    fn a_socket_directory_takes_user_database_and_password_from_the_environment() {
        let dir = std::env::temp_dir();
        let env = |name: &str| match name {
            "PGUSER" => Some("examiner".to_string()),
            "PGPASSWORD" => Some("s3cret".to_string()),
            "PGPORT" => Some("5433".to_string()),
            _ => None,
        };
        let target = parse(dir.to_str().unwrap(), &env).unwrap();
        assert_eq!(target.config.get_user(), Some("examiner"));
        assert_eq!(target.config.get_dbname(), Some("examiner"));
        assert_eq!(target.config.get_ports(), [5433]);
        assert_eq!(target.config.get_password(), Some(&b"s3cret"[..]));
        assert!(!target.location.contains("s3cret"));
    }

    #[test]
    fn neither_url_nor_directory_is_refused() {
        assert!(matches!(
            parse("/nonexistent/socket/dir", &no_env),
            Err(Error::Invalid(_))
        ));
        assert!(matches!(
            parse("postgres://host:notaport/db", &no_env),
            Err(Error::Invalid(_))
        ));
    }
}
