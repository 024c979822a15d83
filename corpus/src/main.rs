//! `corpus` command line: list, generate and score scenarios.

fn main() {
    println!("corpus: no scenarios yet");
}
