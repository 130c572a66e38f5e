//! Fuzz target: arbitrary bytes, in pieces of any size, through the language server's
//! message reader: what it passes on is always JSON-RPC 2.0 in whole frames, what it
//! answers is always an error response, and nothing panics or grows without bound.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ddia_tests::replay_fuzz_messages(data);
});
