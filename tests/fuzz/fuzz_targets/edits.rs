//! Fuzz target: arbitrary edit sequences applied the way the language server applies
//! them (text and syntax tree together), each followed by an incremental reparse that
//! must equal a fresh parse of the same text.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ddia_tests::replay_fuzz_edits(data));
