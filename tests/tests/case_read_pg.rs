//! The read side of the case commands on a PostgreSQL case: `case ls`,
//! `case timeline`, `case report` (DFXML, HTML) and `case export` of a case
//! filled in a throwaway PostgreSQL cluster must show what the same
//! commands show for a SQLite case filled the same way from the same image
//! (both through work units and the merge, so object ids agree).
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::Path;
use std::process::Output;

use corpus::ScenarioOptions;
use forensics_e2e::json_lines;
use serde_json::Value;

use crate::pg_cluster;

/// Runs `forensics` as this test's examiner; it must succeed.
fn run(args: &[&str]) -> Output {
    forensics_e2e::forensics_as("Read Tester", args)
}

fn stdout(args: &[&str]) -> String {
    String::from_utf8(run(args).stdout).unwrap()
}

/// `text` with what lies between each `start` and the next `end` replaced
/// by `…`.
fn blank_between(text: &str, start: &str, end: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(start) {
        let (before, after) = rest.split_at(at + start.len());
        out.push_str(before);
        out.push('…');
        rest = after.find(end).map_or("", |stop| &after[stop..]);
    }
    out.push_str(rest);
    out
}

/// A glob with a set, a negated set and stars, for `case ls --path`.
const GLOB: &str = "/*/[^b]*[0-9].[a-p]*";

/// What the read commands print for the case at `target`.
struct Reads {
    ls: String,
    ls_glob: String,
    bodyfile: String,
    csv: String,
    dfxml: String,
    html: String,
    actions: Vec<String>,
}

fn reads(target: &str, log: &[&str], out: &Path) -> Reads {
    let report = |format: &str| {
        let file = out.join(format!("report.{format}"));
        let file = file.to_str().unwrap();
        stdout(&[
            "case",
            "report",
            target,
            "--format",
            format,
            "--no-verify",
            "--out",
            file,
        ]);
        std::fs::read_to_string(file).unwrap()
    };
    let log = json_lines(&run(&[&["case", "log"][..], log, &["--json"][..]].concat()).stdout);
    Reads {
        ls: stdout(&["case", "ls", target, "--json"]),
        ls_glob: stdout(&["case", "ls", target, "--json", "--path", GLOB]),
        bodyfile: stdout(&["case", "timeline", target]),
        csv: stdout(&["case", "timeline", target, "--format", "csv"]),
        dfxml: report("dfxml"),
        html: report("html"),
        actions: log
            .iter()
            .filter_map(|entry| entry["action"].as_str().map(str::to_string))
            .collect(),
    }
}

/// The length of `2026-11-28T21:59:12` (an RFC 3339 time to the second).
const SECONDS_LEN: usize = 19;

/// `text` with every RFC 3339 UTC time at or after `since` (a day,
/// `YYYY-MM-DD`) replaced by `<now>`: the wall-clock times of this test's
/// own actions.
fn blank_times_since(text: &str, since: &str) -> String {
    let is_time = |at: &str| {
        at.len() >= SECONDS_LEN
            && at
                .bytes()
                .take(SECONDS_LEN)
                .enumerate()
                .all(|(i, b)| match i {
                    4 | 7 => b == b'-',
                    10 => b == b'T',
                    13 | 16 => b == b':',
                    _ => b.is_ascii_digit(),
                })
    };
    let mut out = String::new();
    let mut rest = text;
    while let Some((at, _)) = rest.char_indices().find(|(i, _)| is_time(&rest[*i..])) {
        out.push_str(&rest[..at]);
        let after = &rest[at + SECONDS_LEN..];
        let fraction = after
            .strip_prefix('.')
            .map_or(0, |f| 1 + f.bytes().take_while(u8::is_ascii_digit).count());
        let end = at + SECONDS_LEN + fraction + usize::from(after[fraction..].starts_with('Z'));
        let time = &rest[at..end];
        out.push_str(if time >= since { "<now>" } else { time });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The parts of a report that legitimately differ between two stores
/// filled by separate runs blanked: times of this test's actions (case
/// creation, the tag, the note, the "as of" time: the wall clock of
/// different runs), the chain head and the whole custody section (entries
/// carry those times, the command lines naming the case file or the URL,
/// and the digests of shards from separate worker runs), and the DFXML
/// creator's command line (it names the target).
fn normalised(report: &str, since: &str) -> String {
    let report = blank_times_since(report, since);
    let report = blank_between(
        &report,
        "<dt>Custody chain head</dt><dd class=\"hash\">",
        "</dd>",
    );
    let report = blank_between(&report, "<section id=\"custody\">", "</section>");
    blank_between(&report, "<command_line>", "</command_line>")
}

/// A new database whose default collation is ICU German, where an SQL
/// `ORDER BY path` would order unlike SQLite's bytes (case and accents
/// folded first), so the test sees whether text is ordered in Rust; a
/// plain database when the server has no ICU.
fn database_with_natural_collation(cluster: &pg_cluster::PgCluster) -> String {
    let name = "t_read_icu_de";
    let created = postgres::Client::connect(&cluster.url("postgres"), postgres::NoTls).and_then(
        |mut client| {
            client.batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu \
                 ICU_LOCALE 'de-DE' LOCALE 'C'"
            ))
        },
    );
    match created {
        Ok(()) => cluster.url(name),
        Err(error) => {
            eprintln!("no ICU collation ({error}): a database ordering by bytes");
            cluster.create_database("read")
        }
    }
}

#[test]
fn case_reads_on_postgresql_equal_those_on_sqlite() {
    let Some(cluster) = pg_cluster::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let disk = corpus::generate("disk-mbr", &ScenarioOptions::with_seed(5), dir.path()).unwrap();
    let disk = dir.path().join(&disk.image_files[0]);
    let disk = disk.to_str().unwrap();
    let single = dir.path().join("single.case");
    let single = single.to_str().unwrap();
    let url = database_with_natural_collation(&cluster);
    run(&["case", "init", single, "--case-number", "READ-1"]);
    run(&["case", "init", "--store", &url, "--case-number", "READ-1"]);
    // The day this test began (its first custody entry): the corpus's own
    // times lie years before it, so any time from then on is this run's.
    let created = json_lines(&run(&["case", "log", single, "--json"]).stdout);
    let since = created[0]["at_utc"].as_str().unwrap()[..10].to_string();
    for target in [single, url.as_str()] {
        run(&[
            "case", "add", target, disk, "--scan", "--carve", "--jobs", "2",
        ]);
    }
    // Tag and note the same file in both (same ids: same units, same merge).
    let first_file =
        json_lines(stdout(&["case", "ls", single, "--json", "--kind", "file"]).as_bytes())
            .remove(0)["object_id"]
            .as_i64()
            .unwrap()
            .to_string();
    for target in [single, url.as_str()] {
        run(&["case", "tag", target, &first_file, "exhibit"]);
        run(&["case", "note", target, &first_file, "seen on both stores"]);
    }

    let sqlite_out = dir.path().join("sqlite");
    let pg_out = dir.path().join("pg");
    std::fs::create_dir_all(&sqlite_out).unwrap();
    std::fs::create_dir_all(&pg_out).unwrap();
    let sqlite = reads(single, &[single], &sqlite_out);
    let pg = reads(&url, &["--store", &url], &pg_out);

    let listed = json_lines(sqlite.ls.as_bytes());
    assert!(listed.len() > 40, "{} files listed", listed.len());
    assert!(
        listed
            .iter()
            .any(|row| row["tags"] == serde_json::json!(["exhibit"]))
    );
    assert_eq!(pg.ls, sqlite.ls, "case ls --json");
    // The glob means what SQLite's GLOB means, on both stores.
    let sqlite_glob = rusqlite::Connection::open_in_memory().unwrap();
    let expected: Vec<&Value> = listed
        .iter()
        .filter(|row| {
            sqlite_glob
                .query_row(
                    "SELECT ?1 GLOB ?2",
                    [row["path"].as_str().unwrap(), GLOB],
                    |r| r.get::<_, bool>(0),
                )
                .unwrap()
        })
        .collect();
    let globbed = json_lines(sqlite.ls_glob.as_bytes());
    assert!(
        !globbed.is_empty() && globbed.len() < listed.len(),
        "{globbed:?}"
    );
    assert_eq!(
        globbed.iter().collect::<Vec<_>>(),
        expected,
        "case ls --path {GLOB}"
    );
    assert_eq!(pg.ls_glob, sqlite.ls_glob, "case ls --path");
    assert!(sqlite.bodyfile.lines().count() > 40);
    assert_eq!(pg.bodyfile, sqlite.bodyfile, "case timeline (bodyfile)");
    assert_eq!(pg.csv, sqlite.csv, "case timeline --format csv");
    assert!(sqlite.dfxml.contains("Überweisung"));
    assert_eq!(
        normalised(&pg.dfxml, &since),
        normalised(&sqlite.dfxml, &since),
        "DFXML report"
    );
    assert!(sqlite.html.contains("seen on both stores") && sqlite.html.contains("exhibit"));
    let (pg_html, sqlite_html) = (
        normalised(&pg.html, &since),
        normalised(&sqlite.html, &since),
    );
    if let Some(line) = pg_html
        .split("><")
        .zip(sqlite_html.split("><"))
        .position(|(a, b)| a != b)
    {
        panic!(
            "HTML reports differ at element {line}: {:?} vs {:?}",
            pg_html.split("><").nth(line),
            sqlite_html.split("><").nth(line)
        );
    }
    assert_eq!(pg_html, sqlite_html, "HTML report");
    assert_eq!(pg.actions, sqlite.actions, "custody actions");

    // A verified report and a sealed export of the PostgreSQL case.
    let verified = pg_out.join("verified.html");
    run(&["case", "report", &url, "--out", verified.to_str().unwrap()]);
    let verified = std::fs::read_to_string(verified).unwrap();
    assert!(
        verified.contains("Verified: custody chain intact"),
        "no verification in the report"
    );
    let bundle = pg_out.join("bundle.zip");
    let bundle = bundle.to_str().unwrap();
    run(&["case", "export", &url, "--out", bundle, "--no-verify"]);
    let check = json_lines(&run(&["case", "verify-bundle", bundle, "--json"]).stdout);
    let summary = check.last().unwrap();
    assert_eq!(summary["valid"], Value::Bool(true), "{check:?}");
    assert!(summary["files_checked"].as_u64().unwrap() > 20, "{summary}");
    let log = json_lines(&run(&["case", "log", "--store", &url, "--json"]).stdout);
    let last_action = log.iter().rev().find_map(|entry| entry["action"].as_str());
    assert_eq!(last_action, Some("export_bundle"));
}
