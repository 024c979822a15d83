//! Viewers of the selected file: hex, text and picture.

pub(crate) mod hex;
pub(crate) mod preview;
pub(crate) mod text;
