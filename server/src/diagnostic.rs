//! Findings: what a rule reports, with byte ranges and optional fixes.

use crate::text::TextRange;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Whether a fix can be applied without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the meaning the author intended; safe to apply automatically.
    Safe,
    /// Changes the design (a number, a strategy): the author must review it.
    Unsafe,
}

/// One replacement of a byte range by new text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replace(range: TextRange, content: impl Into<String>) -> Self {
        Edit {
            range,
            content: content.into(),
        }
    }

    pub fn insert(offset: usize, content: impl Into<String>) -> Self {
        Edit {
            range: TextRange::empty(offset),
            content: content.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, in the imperative ("Set `read_quorum` to 2").
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// Another place in the same file that explains a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub range: TextRange,
    pub related: Vec<Related>,
    /// Ways to repair the finding, the preferred one first.
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }

    /// Adds a fix (the first one added is the preferred one).
    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fixes.extend(fix);
        self
    }

    /// The preferred fix, if any.
    pub fn fix(&self) -> Option<&Fix> {
        self.fixes.first()
    }
}

/// Applies fixes' edits to a text. Edits must not overlap; overlapping ones after the
/// first are skipped. Returns the new text and the number of edits applied.
pub fn apply_edits(text: &str, edits: &[Edit]) -> (String, usize) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len());
    let mut position = 0;
    let mut applied = 0;
    for edit in sorted {
        if edit.range.start < position || edit.range.end > text.len() {
            continue;
        }
        out.push_str(&text[position..edit.range.start]);
        out.push_str(&edit.content);
        position = edit.range.end;
        applied += 1;
    }
    out.push_str(&text[position..]);
    (out, applied)
}
