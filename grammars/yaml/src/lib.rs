//! The YAML grammar ddia parses with: tree-sitter-yaml 0.7.2 with a fixed external scanner.
//!
//! Use [`LANGUAGE`] exactly like `tree_sitter_yaml::LANGUAGE`. The build script
//! (`build.rs`) explains the two upstream defects it fixes.

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn ddia_tree_sitter_yaml() -> *const ();
}

/// The tree-sitter language of the patched YAML grammar.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(ddia_tree_sitter_yaml) };

/// The deepest block nesting the scanner can carry between tokens.
///
/// The scanner serializes its indentation stack into tree-sitter's 1,024-byte
/// buffer: an 18-byte header, then four bytes per level. Deeper levels are dropped,
/// so a file nested deeper than this parses wrongly (never out of bounds).
pub const MAX_BLOCK_NESTING: usize = (1024 - 18) / 4;

/// The node types of the grammar, as published by upstream.
pub const NODE_TYPES: &str = tree_sitter_yaml::NODE_TYPES;
