//! ddia: reviews the design of data systems written as YAML.
//!
//! Layers, each only knowing the ones before it: [`syntax`] (tree-sitter, never
//! fails) → [`model`] (one typed system model with source ranges) → [`rules`]
//! (format-agnostic checks) → front ends ([`cli`]).

pub mod line_index;
pub mod syntax;
pub mod text;
