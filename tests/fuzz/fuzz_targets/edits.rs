//! Fuzz target: arbitrary edit sequences applied the way the language server applies
//! them (text and syntax tree together), each followed by an incremental reparse that
//! must equal a fresh parse of the same text, and by an analysis that reuses the
//! previous parse and model and must find what a fresh analysis finds.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ddia_tests::replay_fuzz_edits(data);
    ddia_tests::replay_fuzz_model_edits(data);
});
