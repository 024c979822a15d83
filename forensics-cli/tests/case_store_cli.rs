//! `forensics case init|log|verify --store` on a throwaway PostgreSQL
//! cluster (the test support of forensics-core's tests): a case created in
//! PostgreSQL from the command line, its log and its chain.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

#[path = "../../forensics-core/tests/pg_cluster.rs"]
mod pg_cluster;

fn forensics(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_forensics"));
    command
        .args(args)
        .env_remove("PGPASSWORD")
        .env_remove("PGSSLROOTCERT");
    for (name, value) in envs {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The database name of a cluster URL (`…@/NAME?host=…`).
fn database_name(url: &str) -> String {
    url.split_once("@/")
        .and_then(|(_, rest)| rest.split_once('?'))
        .map(|(name, _)| name.to_string())
        .unwrap()
}

#[test]
fn case_init_log_and_verify_on_a_postgresql_store() {
    let Some(cluster) = pg_cluster::PgCluster::start() else {
        return;
    };
    let url = cluster.create_database("cli");
    let database = database_name(&url);
    let socket_dir = cluster.socket_dir().to_str().unwrap().to_string();
    // The socket-folder form, with user and database from the environment.
    let env = [
        ("PGUSER", pg_cluster::SUPERUSER),
        ("PGDATABASE", database.as_str()),
    ];
    let init = forensics(
        &[
            "case",
            "init",
            "--store",
            &socket_dir,
            "--case-number",
            "2026-CLI-7",
            "--title",
            "Shared",
            "--examiner",
            "Examiner One",
        ],
        &env,
    );
    assert!(init.status.success(), "{init:?}");
    let text = stdout(&init);
    assert!(
        text.contains("created case 2026-CLI-7 in postgres://postgres@/"),
        "{text}"
    );
    let head_line = text.lines().find(|l| l.starts_with("chain head ")).unwrap();

    // The URL form reads the same case.
    let log = forensics(&["case", "log", "--store", &url], &[]);
    assert!(log.status.success(), "{log:?}");
    let text = stdout(&log);
    assert!(text.contains("create_case"), "{text}");
    assert!(text.contains("Examiner One"), "{text}");
    assert!(text.contains(head_line), "{text}");
    let json = forensics(&["case", "log", "--store", &url, "--json"], &[]);
    let lines: Vec<serde_json::Value> = stdout(&json)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines[0]["seq"], 1);
    assert_eq!(lines[0]["action"], "create_case");
    assert!(
        lines[0]["details_json"]
            .as_str()
            .unwrap()
            .contains("--store")
    );
    assert_eq!(lines[1]["entries"], 1);

    let verify = forensics(&["case", "verify", "--store", &url], &[]);
    assert!(verify.status.success(), "{verify:?}");
    let text = stdout(&verify);
    assert!(text.starts_with("OK: 1 custody entries"), "{text}");
    assert!(text.contains("0 evidence items re-hashed"), "{text}");
    let wrong_head = "0".repeat(64);
    let verify = forensics(
        &[
            "case",
            "verify",
            "--store",
            &url,
            "--expect-head",
            &wrong_head,
        ],
        &[],
    );
    assert_eq!(verify.status.code(), Some(1), "{verify:?}");

    let again = forensics(
        &[
            "case",
            "init",
            "--store",
            &url,
            "--case-number",
            "X",
            "--examiner",
            "E",
        ],
        &[],
    );
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a case"));

    let password = url.replace("postgres@", "postgres:pw@");
    let refused = forensics(&["case", "log", "--store", &password], &[]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("PGPASSWORD"));

    // Notes and grants on the shared case, each attributed in its log.
    let examiner = [("FORENSICS_EXAMINER", "Examiner Two")];
    let note = forensics(
        &["case", "note", &url, "second opinion", "--bookmark"],
        &examiner,
    );
    assert!(note.status.success(), "{note:?}");
    let tag = forensics(&["case", "tag", &url, "999", "seized"], &examiner);
    assert_eq!(tag.status.code(), Some(2), "no object 999: {tag:?}");
    let grant = [
        "case",
        "grant",
        "--store",
        &url,
        "--role",
        "nobody_here",
        "--rights",
        "reader",
    ];
    let grant = forensics(&grant, &examiner);
    assert_eq!(grant.status.code(), Some(2), "no such role: {grant:?}");
    let log = stdout(&forensics(&["case", "log", "--store", &url], &[]));
    assert!(
        log.contains("note") && log.contains("Examiner Two"),
        "{log}"
    );
    assert!(
        !log.contains("grant_role"),
        "a failed grant leaves no entry: {log}"
    );
}

#[test]
fn a_store_over_tcp_uses_tls_and_verifies_the_server_certificate() {
    let Some(cluster) = pg_cluster::PgCluster::start_tls() else {
        return;
    };
    let url = cluster.tls_url(&database_name(&cluster.create_database("tls")));
    let init = [
        "case",
        "init",
        "--store",
        &url,
        "--case-number",
        "2026-TLS-1",
        "--examiner",
        "E",
    ];
    // The server's authority is not among the system's: refused, not trusted.
    let refused = forensics(&init, &[]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let message = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(message.contains("certificate verify failed"), "{message}");

    let ca = cluster.ca_file();
    let ca_env = [("PGSSLROOTCERT", ca.to_str().unwrap())];
    let created = forensics(&init, &ca_env);
    assert!(created.status.success(), "{created:?}");
    let log = forensics(&["case", "log", "--store", &url], &ca_env);
    assert!(stdout(&log).contains("create_case"), "{log:?}");
    // The server refuses unencrypted TCP, so what worked above was TLS.
    let plain = url.replace("sslmode=require", "sslmode=disable");
    let plain = forensics(&["case", "log", "--store", &plain], &ca_env);
    assert_eq!(plain.status.code(), Some(2), "{plain:?}");
    let message = String::from_utf8_lossy(&plain.stderr).into_owned();
    assert!(message.contains("no encryption"), "{message}");
}
