//! The syntax layer: tree-sitter parsing with recovery, lowered to a spanned YAML view.
//!
//! Parsing never fails. [`parse`] always returns a [`Parse`]: the concrete syntax tree,
//! the YAML documents that could be read, and the problems found on the way (syntax
//! errors, duplicate keys, unknown aliases, limits hit).

mod lower;
mod recovery;
pub mod scalar;
pub mod yaml;

use crate::text::TextRange;
pub use yaml::{
    Comment, Entry, Node, NodeId, NodeKind, Scalar, ScalarStyle, ScalarValue, YamlDocument,
    YamlStream,
};

/// The deepest nesting of collections that the syntax layer reads; deeper content is
/// reported once and skipped. The patched scanner itself carries at most
/// [`ddia_yaml_grammar::MAX_BLOCK_NESTING`] block levels.
pub const MAX_NESTING_DEPTH: usize = 128;

/// The most nodes that aliases and merge keys may make a document stand for before
/// ddia stops following them (an alias bomb is reported, never expanded).
pub const MAX_ALIAS_EXPANSION: u64 = 1_000_000;

/// What kind of problem the syntax layer found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// The text is not valid YAML (including an alias to an unknown anchor).
    Syntax,
    /// A mapping has the same key twice.
    DuplicateKey,
    /// A safety limit was reached (nesting depth, alias expansion).
    Limit,
}

/// A problem found while parsing, with its range and a message for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxProblem {
    pub kind: ProblemKind,
    pub range: TextRange,
    pub message: String,
    /// Another place that explains the problem (the first of two duplicate keys).
    pub related: Option<(TextRange, String)>,
}

/// The result of parsing one text.
pub struct Parse {
    /// The tree of the text that was finally parsed: the input with the lines of
    /// unrecoverable syntax errors blanked out (same length, same offsets).
    pub tree: tree_sitter::Tree,
    pub stream: YamlStream,
    pub problems: Vec<SyntaxProblem>,
}

impl std::fmt::Debug for Parse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parse")
            .field("stream", &self.stream)
            .field("problems", &self.problems)
            .finish_non_exhaustive()
    }
}

/// Parses YAML text. Never fails and never panics on any input.
pub fn parse(text: &str) -> Parse {
    let recovered = recovery::parse_with_recovery(text);
    let mut problems = recovered.problems;
    let (stream, lower_problems) = lower::lower(&recovered.tree, &recovered.text);
    problems.extend(lower_problems);
    problems.sort_by_key(|problem| (problem.range.start, problem.range.end));
    problems.dedup();
    Parse {
        tree: recovered.tree,
        stream,
        problems,
    }
}

/// A tree-sitter parser for the patched YAML grammar.
pub(crate) fn new_parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&ddia_yaml_grammar::LANGUAGE.into())
        .expect("the patched grammar is built against the linked tree-sitter ABI");
    parser
}
