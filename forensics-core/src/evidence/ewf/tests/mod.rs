//! Tests of the E01 reader and writer.
