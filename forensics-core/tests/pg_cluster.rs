//! A throwaway PostgreSQL cluster for tests: `initdb` into a temporary
//! folder, `pg_ctl start` listening only on a Unix socket in that folder,
//! `pg_ctl stop -m fast` when the last user drops it. Tests running at the
//! same time share one cluster, each in a database of its own.
//!
//! PostgreSQL refuses to run as root: as root, the server programs run as
//! the `postgres` system user (Debian's `postgresql` package creates it)
//! through `runuser`, in a folder handed to that user. Without PostgreSQL
//! the tests print "skipped: PostgreSQL not installed" and pass.
//!
//! Also compiled into forensics-cli's tests (`#[path]`), so it uses only
//! std and tempfile.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // test support

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Set to keep PostgreSQL's durable defaults (fsync, synchronous commit)
/// instead of the faster throwaway settings, for realistic timings.
pub const DURABLE_ENV: &str = "FORENSICS_PG_TEST_DURABLE";

/// The database superuser the cluster is created with.
pub const SUPERUSER: &str = "postgres";

/// A running cluster; stopped on drop.
pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// The system user the server runs as (when we are root).
    run_as: Option<String>,
    /// The loopback TCP port of a TLS cluster (its socket uses it too).
    tcp_port: Option<u16>,
}

static SHARED: Mutex<Weak<PgCluster>> = Mutex::new(Weak::new());
static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// The cluster shared by the tests running now, started if none runs;
/// `None` (after printing why) when PostgreSQL is not installed.
pub fn shared() -> Option<Arc<PgCluster>> {
    let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(cluster) = shared.upgrade() {
        return Some(cluster);
    }
    let cluster = Arc::new(PgCluster::start()?);
    *shared = Arc::downgrade(&cluster);
    Some(cluster)
}

/// The folder holding `initdb` and `pg_ctl`: the newest
/// `/usr/lib/postgresql/N/bin`, else the one `PATH` leads to.
pub fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("initdb"))
        .find(|initdb| initdb.is_file() && initdb.with_file_name("pg_ctl").is_file())
        .and_then(|initdb| std::fs::canonicalize(initdb).ok())
        .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
}

/// A loopback TCP port free a moment ago.
fn free_loopback_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("loopback port");
    listener.local_addr().expect("port").port()
}

/// Whether this process runs as root.
fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

/// `id -u NAME` / `id -g NAME`.
fn system_id(flag: &str, user: &str) -> Option<u32> {
    let out = Command::new("id").args([flag, user]).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

impl PgCluster {
    /// Creates and starts a cluster; `None` when PostgreSQL is not installed.
    pub fn start() -> Option<PgCluster> {
        Self::launch(false)
    }

    /// A cluster that also listens on a loopback TCP port and accepts only
    /// TLS there, with a server certificate for `localhost`/`127.0.0.1`
    /// issued by its own authority ([`Self::ca_file`]); `None` when
    /// PostgreSQL or the openssl tool is not installed.
    pub fn start_tls() -> Option<PgCluster> {
        if Command::new("openssl").arg("version").output().is_err() {
            println!("skipped: openssl not installed");
            return None;
        }
        Self::launch(true)
    }

    fn launch(tls: bool) -> Option<PgCluster> {
        let Some(bin) = find_bin() else {
            println!("skipped: PostgreSQL not installed");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("fpg")
            .tempdir()
            .expect("temporary folder");
        let mut owner = None;
        let run_as = if is_root() {
            let (Some(uid), Some(gid)) = (system_id("-u", "postgres"), system_id("-g", "postgres"))
            else {
                println!(
                    "skipped: PostgreSQL not installed (no postgres system user to run it as)"
                );
                return None;
            };
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown to postgres");
            owner = Some((uid, gid));
            Some("postgres".to_string())
        } else {
            None
        };
        let tcp_port = tls.then(free_loopback_port);
        let cluster = PgCluster {
            dir,
            bin,
            run_as,
            tcp_port,
        };
        let data = cluster.data_dir();
        cluster.run_server_tool(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        let mut settings = format!(
            "\nlisten_addresses = ''\nunix_socket_directories = '{}'\nmax_connections = 40\n",
            cluster.socket_dir().display()
        );
        if std::env::var_os(DURABLE_ENV).is_none() {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        if let Some(port) = tcp_port {
            cluster.make_certificates(owner);
            settings.push_str(&format!(
                "listen_addresses = '127.0.0.1'\nport = {port}\nssl = on\n\
                 ssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
            ));
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n\
                 hostnossl all all 127.0.0.1/32 reject\n",
            )
            .expect("pg_hba.conf");
        }
        let conf = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).expect("postgresql.conf");
        text.push_str(&settings);
        std::fs::write(&conf, text).expect("postgresql.conf");
        let log = cluster.dir.path().join("server.log");
        cluster.run_server_tool(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        Some(cluster)
    }

    /// The folder holding the server's socket.
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A new, empty database named after `label`; returns its URL.
    pub fn create_database(&self, label: &str) -> String {
        let name = format!(
            "t{}_{}",
            DATABASES.fetch_add(1, Ordering::Relaxed),
            label
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(40)
                .collect::<String>()
        );
        let status = Command::new(self.bin.join("createdb"))
            .arg("-h")
            .arg(self.socket_dir())
            .args(self.tcp_port.map(|port| format!("--port={port}")))
            .args(["-U", SUPERUSER, &name])
            .status()
            .expect("createdb runs");
        assert!(status.success(), "createdb {name} failed");
        self.url(&name)
    }

    /// The URL of database `name` over the cluster's socket.
    pub fn url(&self, name: &str) -> String {
        let port = self
            .tcp_port
            .map(|port| format!("&port={port}"))
            .unwrap_or_default();
        format!(
            "postgresql://{SUPERUSER}@/{name}?host={}{port}",
            self.socket_dir().display()
        )
    }

    /// The URL of database `name` over loopback TCP with TLS required (a
    /// cluster of [`Self::start_tls`]).
    pub fn tls_url(&self, name: &str) -> String {
        let port = self.tcp_port.expect("a TLS cluster");
        format!("postgres://{SUPERUSER}@127.0.0.1:{port}/{name}?sslmode=require")
    }

    /// The certificate authority (PEM) of a TLS cluster's server certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A certificate authority and a server certificate it signed for
    /// `localhost` and `127.0.0.1`, the key readable by the server only.
    fn make_certificates(&self, owner: Option<(u32, u32)>) {
        let dir = self.dir.path();
        let data = self.data_dir();
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .output()
                .expect("openssl runs");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        let mut ca = vec![
            "req",
            "-x509",
            "-days",
            "2",
            "-subj",
            "/CN=forensics test CA",
        ];
        ca.extend(ec);
        ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
        openssl(&ca);
        let mut request = vec!["req", "-subj", "/CN=localhost"];
        request.extend(ec);
        request.extend(["-keyout", "server.key", "-out", "server.csr"]);
        openssl(&request);
        std::fs::write(
            dir.join("san.ext"),
            "subjectAltName = DNS:localhost, IP:127.0.0.1\n",
        )
        .expect("san.ext");
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "server.crt",
        ]);
        for name in ["server.crt", "server.key"] {
            let target = data.join(name);
            std::fs::copy(dir.join(name), &target).expect("copy certificate");
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600))
                .expect("chmod");
            if let Some((uid, gid)) = owner {
                std::os::unix::fs::chown(&target, Some(uid), Some(gid)).expect("chown");
            }
        }
    }

    /// Runs a server program (as the postgres user when we are root);
    /// panics with its output when it fails.
    fn run_server_tool(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => Command::new(&program),
        };
        let out = command
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let program = self.bin.join("pg_ctl");
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => Command::new(&program),
        };
        let _ = command
            .arg("-D")
            .arg(&data)
            .args(["-m", "fast", "-w", "stop"])
            .current_dir(self.dir.path())
            .output();
    }
}
