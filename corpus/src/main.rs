//! `corpus` command line: list, generate, score and pack scenarios.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use corpus::{OutputFormat, ScenarioOptions};
use std::path::PathBuf;

/// Deterministic evidence images with answer keys.
#[derive(Parser)]
#[command(name = "corpus", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Knobs shared by `generate` and `pack`.
#[derive(clap::Args)]
struct Knobs {
    /// Scenario name (see `corpus list`).
    scenario: String,
    /// Seed; the same seed gives byte-identical output.
    #[arg(long)]
    seed: u64,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Image size in bytes.
    #[arg(long)]
    size: Option<u64>,
    /// Number of files (or features per kind for memdump).
    #[arg(long)]
    files: Option<usize>,
    /// Share of fragmented files, 0..1.
    #[arg(long, default_value_t = 0.2)]
    fragmentation: f64,
    /// Share of random data in filler, 0..1.
    #[arg(long, default_value_t = 0.3)]
    noise: f64,
    /// Image format: raw, split or e01.
    #[arg(long, default_value = "raw")]
    format: String,
    /// Segment size in bytes for split output.
    #[arg(long, default_value_t = 16 << 20)]
    segment_size: u64,
}

impl Knobs {
    fn options(&self) -> Result<ScenarioOptions> {
        Ok(ScenarioOptions {
            seed: self.seed,
            image_size_bytes: self.size,
            file_count: self.files,
            fragmentation_rate: self.fragmentation,
            noise: self.noise,
            format: OutputFormat::parse(&self.format)?,
            segment_size_bytes: self.segment_size,
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// List scenarios, one a line: name, then description.
    List,
    /// Generate a scenario's image(s) and NAME.key.json into --out.
    Generate(Knobs),
    /// Score findings (JSON Lines, JSON array or CSV) against a key.
    Score {
        /// The answer key (NAME.key.json).
        key: PathBuf,
        /// The findings file.
        findings: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write an exercise pack: exercise.md, the image, answers/NAME.key.json.
    Pack(Knobs),
}

fn main() {
    let cli = Cli::parse();
    if let Err(err) = run(cli) {
        eprintln!("corpus: {err:#}");
        std::process::exit(2);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::List => {
            for scenario in corpus::scenarios() {
                println!("{}\t{}", scenario.name, scenario.description);
            }
        }
        Command::Generate(knobs) => {
            let key = corpus::generate(&knobs.scenario, &knobs.options()?, &knobs.out)
                .with_context(|| format!("generating {}", knobs.scenario))?;
            println!(
                "{}: {} ({} bytes, sha256 {})",
                key.scenario,
                key.image_files.join(", "),
                key.image_size,
                key.image_hashes.sha256
            );
        }
        Command::Score {
            key,
            findings,
            json,
        } => {
            let report = corpus::score::score_files(&key, &findings)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.to_text());
            }
        }
        Command::Pack(knobs) => {
            let key = corpus::pack::pack(&knobs.scenario, &knobs.options()?, &knobs.out)
                .with_context(|| format!("packing {}", knobs.scenario))?;
            println!("{}: exercise pack in {}", key.scenario, knobs.out.display());
        }
    }
    Ok(())
}
