//! Fuzz target: arbitrary text analysed as each file kind with every fix applied, as
//! `ddia check --fix --unsafe-fixes` does: no fix may add an error finding, and fixing
//! a fixed text changes nothing.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ddia_tests::replay_fuzz_fix(data);
});
