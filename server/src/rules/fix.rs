//! Building blocks for fixes: add a key to a section, replace a value.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Insertion, Section};
use crate::text::TextRange;

/// A fix that adds `key: value` to a mapping section, keeping its style (block or flow).
pub fn insert_key_fix(
    section: &Section,
    key: &str,
    value: &str,
    message: impl Into<String>,
    applicability: Applicability,
) -> Option<Fix> {
    let edit = match section.insertion.as_ref()? {
        Insertion::Block { offset, indent } => {
            Edit::insert(*offset, format!("\n{}{key}: {value}", " ".repeat(*indent)))
        }
        Insertion::Flow { offset, empty } => {
            let separator = if *empty { "" } else { ", " };
            Edit::insert(*offset, format!("{separator}{key}: {value}"))
        }
    };
    Some(Fix {
        message: message.into(),
        applicability,
        edits: vec![edit],
    })
}

/// A fix that replaces a value.
pub fn replace_value_fix(
    range: TextRange,
    value: &str,
    message: impl Into<String>,
    applicability: Applicability,
) -> Fix {
    Fix {
        message: message.into(),
        applicability,
        edits: vec![Edit::replace(range, value)],
    }
}
