//! `forensics-gui`: starts the desktop app.
fn main() {}
