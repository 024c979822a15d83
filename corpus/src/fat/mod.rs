//! Our own FAT12/16/32 writer, used by the `fat*` and `disk-*` scenarios.

pub mod dir;
pub mod layout;
pub mod writer;

pub use layout::{FatType, Layout};
pub use writer::{DirId, FatWriter, Placement, ROOT, Times, WrittenEntry};
