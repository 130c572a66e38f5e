//! Findings: what a rule reports, with byte ranges and optional fixes.

use crate::text::TextRange;
use serde::Serialize;
use std::borrow::Cow;

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
    /// The model part whose component rules made this finding, while it is as they
    /// made it (see [`crate::analysis::PartIndex`]); `None` for other findings, and
    /// for one changed since (its part is then checked again after the next edit).
    pub part: Option<u32>,
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

    /// Where the last of the finding's ranges (its own, related, fixes') ends.
    pub fn last_end(&self) -> usize {
        let related = self.related.iter().map(|related| related.range.end);
        let fixes = self
            .fixes
            .iter()
            .flat_map(|fix| fix.edits.iter().map(|edit| edit.range.end));
        related.chain(fixes).fold(self.range.end, usize::max)
    }

    /// Moves the finding's ranges past `edit`, for a finding about text the edit did
    /// not touch. Returns `false`, leaving the finding as it was, if one of its ranges
    /// touches the edited bytes: then it may not hold as it was.
    pub fn move_past(&mut self, edit: &crate::text::TextEdit) -> bool {
        let mut before = true;
        let mut touches = false;
        let mut look = |range: &TextRange| {
            before &= range.end < edit.start;
            touches |= range.start <= edit.old_end && edit.start <= range.end;
        };
        look(&self.range);
        self.related.iter().for_each(|related| look(&related.range));
        for fix in &self.fixes {
            fix.edits.iter().for_each(|each| look(&each.range));
        }
        if touches {
            return false;
        }
        if before {
            // Nothing after the edit: nothing moves (the common case before it).
            return true;
        }
        self.range = edit.move_range(self.range);
        for related in &mut self.related {
            related.range = edit.move_range(related.range);
        }
        for fix in &mut self.fixes {
            for each in &mut fix.edits {
                each.range = edit.move_range(each.range);
            }
        }
        true
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

/// Codes whose range covers a secret value, which no output may repeat.
pub const SECRET_CODES: &[&str] = &["plaintext-secret"];

/// The text with every byte of a secret replaced by `*`, so that no source snippet or
/// diff shows one: the ranges of secret findings, and every value that looks like a
/// credential whether a finding is shown for it or not (suppressed, ignored, or never
/// made; see [`crate::secrets`]). Byte offsets and line breaks stay as they were.
pub fn redact_secrets<'t>(text: &'t str, diagnostics: &[Diagnostic]) -> Cow<'t, str> {
    let mut secrets: Vec<TextRange> = diagnostics
        .iter()
        .filter(|d| SECRET_CODES.contains(&d.code))
        .map(|d| d.range)
        .collect();
    secrets.extend(crate::secrets::credential_ranges(text));
    secrets.retain(|r| {
        r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
    });
    if secrets.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in secrets {
        for (offset, character) in text[range.as_range()].char_indices() {
            if character == '\n' || character == '\r' {
                continue;
            }
            let start = range.start + offset;
            bytes[start..start + character.len_utf8()].fill(b'*');
        }
    }
    // Whole characters were replaced by ASCII, so the bytes are still UTF-8.
    Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| "*".repeat(text.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(start: usize, end: usize) -> Diagnostic {
        Diagnostic {
            code: "plaintext-secret",
            severity: Severity::Warning,
            message: String::from("a secret"),
            range: TextRange::new(start, end),
            related: Vec::new(),
            fixes: Vec::new(),
            part: None,
        }
    }

    #[test]
    fn redaction_masks_whole_characters_and_keeps_offsets() {
        let text = "PASSWORD: pässwörd\nnext: 1\n";
        let redacted = redact_secrets(text, &[secret(10, 20)]);
        assert_eq!(redacted.len(), text.len());
        assert_eq!(redacted, "PASSWORD: **********\nnext: 1\n");
    }

    #[test]
    fn credentials_are_masked_without_a_finding() {
        // A suppressed or ignored `plaintext-secret` leaves no finding: the value is
        // masked all the same, and so is a password the rule does not look for.
        let text = "TOKEN: abc123\ntest: mysqladmin ping -pxyz\n";
        assert_eq!(
            redact_secrets(text, &[]),
            "TOKEN: ******\ntest: mysqladmin ping -p***\n"
        );
    }
}
