//! Exercise packs for trainers: `exercise.md` (story and questions written
//! from the key), the image, and the key in `answers/` — kept apart so the
//! image and the exercise can be handed out without the answers.

use crate::error::{Error, Result};
use crate::key::AnswerKey;
use crate::scenario::{ScenarioOptions, generate};
use std::fmt::Write;
use std::path::Path;

/// Writes an exercise pack for `name` into `out_dir`: the image, the
/// exercise text, and `answers/NAME.key.json`.
pub fn pack(name: &str, options: &ScenarioOptions, out_dir: &Path) -> Result<AnswerKey> {
    let key = generate(name, options, out_dir)?;
    let answers = out_dir.join("answers");
    std::fs::create_dir_all(&answers).map_err(|e| Error::io(&answers, e))?;
    let from = out_dir.join(format!("{name}.key.json"));
    let to = answers.join(format!("{name}.key.json"));
    std::fs::rename(&from, &to).map_err(|e| Error::io(&from, e))?;
    let exercise = out_dir.join("exercise.md");
    std::fs::write(&exercise, exercise_text(&key)).map_err(|e| Error::io(&exercise, e))?;
    Ok(key)
}

fn story(key: &AnswerKey) -> &'static str {
    match key.scenario.as_str() {
        "carve-blob" => {
            "During a search, investigators recovered a damaged storage chip. Its file system is gone; only raw bytes remain. The suspect is believed to have kept photographs, documents and a small database on it."
        }
        "memdump" => {
            "A live-response team captured the memory of a workstation used in an investment-fraud case before it was switched off. Analysts need the contact details, payment data and wallet addresses that were in memory."
        }
        s if s.starts_with("disk-") => {
            "A USB hard disk was seized at a suspect's home. It was partitioned several times; some files were deleted shortly before the search."
        }
        _ => {
            "A USB stick was found in a suspect's bag. The suspect claims it only holds holiday pictures; some files were deleted shortly before the arrest."
        }
    }
}

/// The exercise text (markdown) for a key.
pub fn exercise_text(key: &AnswerKey) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Exercise: {} (variant {})\n", key.scenario, key.seed);
    let _ = writeln!(md, "## The story\n\n{}\n", story(key));
    let _ = writeln!(md, "## The evidence\n");
    for file in &key.image_files {
        let _ = writeln!(md, "- `{file}`");
    }
    let _ = writeln!(
        md,
        "\nImage size {} bytes. Before you start, verify the acquisition hash: SHA-256 `{}`, MD5 `{}`.\n",
        key.image_size, key.image_hashes.sha256, key.image_hashes.md5
    );
    let _ = writeln!(md, "## Questions\n");
    let mut n = 0;
    let mut ask = |md: &mut String, text: String| {
        n += 1;
        let _ = writeln!(md, "{n}. {text}");
    };
    if let Some(scheme) = &key.partition_scheme {
        ask(
            &mut md,
            format!(
                "The disk uses a {} partition table. List every partition with its start offset in bytes, its length and its type.",
                scheme.to_uppercase()
            ),
        );
    }
    if !key.filesystems.is_empty() {
        ask(
            &mut md,
            "Identify each file system (type, cluster size, volume label).".into(),
        );
        ask(&mut md, "List every file, with its full path, size and SHA-256, including deleted files. Mark which are deleted.".into());
        let files: Vec<_> = key
            .all_files()
            .filter(|(_, f)| !f.is_dir && !f.deleted && f.modified != 0)
            .collect();
        if let Some((_, f)) = files.get(files.len() / 2) {
            ask(
                &mut md,
                format!("When was `{}` last modified (UTC)?", f.path),
            );
        }
        ask(
            &mut md,
            "Which files have names that need Unicode (non-ASCII characters)?".into(),
        );
        if key.all_files().any(|(_, f)| f.overwritten) {
            ask(
                &mut md,
                "One deleted file cannot be recovered intact. Which one, and why?".into(),
            );
        }
    }
    if !key.carved.is_empty() {
        ask(&mut md, "Carve every file you can find. For each, give its type, the offset of its first byte in the image, and its SHA-256.".into());
        ask(
            &mut md,
            "Which recovered file was not stored in one piece? Give the offsets of its pieces."
                .into(),
        );
        ask(
            &mut md,
            "Which file is incomplete? How many of its bytes are present?".into(),
        );
        ask(
            &mut md,
            "Some files contain other files. Which ones, and what do they contain?".into(),
        );
    }
    if !key.features.is_empty() {
        ask(
            &mut md,
            "List all e-mail addresses, URLs and IPv4 addresses, with their offsets.".into(),
        );
        ask(
            &mut md,
            "List all payment card numbers. Which of them are not valid card numbers (Luhn check)?"
                .into(),
        );
        ask(
            &mut md,
            "List all IBANs and bitcoin addresses and say which ones have a valid checksum.".into(),
        );
        ask(&mut md, "Some data was compressed in memory. What did you find inside it, and how do you refer to its location?".into());
        ask(
            &mut md,
            "Were any values stored as UTF-16? Which tool settings did you need to find them?"
                .into(),
        );
    }
    let _ = writeln!(
        md,
        "\n## Handing in\n\nWrite your findings as JSON Lines (one object a line) or CSV with a header row, using the fields \
`path`, `size`, `sha256`, `deleted` (files), `type`, `image_offset`, `sha256` (carved files), \
`kind`, `value`, `image_offset`, `forensic_path` (features; kinds `email`, `url`, `ipv4`, `ccn`, `iban`, `btc`). \
The output of `forensics ... --json` can be handed in as it is. The trainer scores it with \
`corpus score answers/{}.key.json FINDINGS`.",
        key.scenario
    );
    md
}
