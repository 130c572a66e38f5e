//! ddia: reviews the design of data systems written as YAML.
//!
//! Layers, each only knowing the ones before it: [`syntax`] (tree-sitter, never
//! fails) → [`model`] (one typed system model with source ranges) → [`rules`]
//! (format-agnostic checks) → front ends ([`cli`], [`lsp`]). [`analysis`] ties the first three
//! together for one file.

pub mod analysis;
pub mod annotations;
pub mod arithmetic;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod fix_all;
pub mod graph;
pub mod kind;
pub mod line_index;
pub mod links;
pub mod lsp;
pub mod model;
pub mod project;
pub mod resolve;
pub mod review;
pub mod rules;
pub mod secrets;
pub mod settings;
pub mod suppression;
pub mod syntax;
pub mod text;
