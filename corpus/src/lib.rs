//! `corpus`: deterministic evidence images with answer keys.
//!
//! Every scenario is built from a seed: the same seed gives byte-identical
//! images and keys.

pub mod rng;
