//! Applies every fix of a text in rounds, as `ddia check --fix` does: the one selection of non-overlapping fixes that every front end uses, and a guard that never applies a fix whose result has a new error finding.
//!
//! A round applies every fix that overlaps none taken before it (a fix can reveal
//! another, so rounds go on until nothing changes). Edits keep the text's line endings.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, apply_edits};
use crate::text::TextRange;
use std::collections::BTreeMap;

/// The most rounds of fixing one text.
const MAX_ROUNDS: usize = 10;

/// A text with its fixes applied.
#[derive(Debug)]
pub struct Fixed {
    pub text: String,
    /// The findings of `text` (empty when nothing changed).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the last round found nothing more to fix (not stopped by the round
    /// limit): fixing `text` again then changes nothing.
    pub converged: bool,
}

/// The first fix of each finding that overlaps none chosen before it, in the findings'
/// order: safe fixes, and unsafe ones too with `unsafe_fixes`.
pub fn select(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Vec<(FixKey, &[Edit])> {
    let mut taken: Vec<TextRange> = Vec::new();
    let mut chosen = Vec::new();
    for diagnostic in diagnostics {
        let Some(fix) = diagnostic.fix() else {
            continue;
        };
        if fix.applicability == Applicability::Unsafe && !unsafe_fixes {
            continue;
        }
        let overlaps = fix.edits.iter().any(|edit| {
            taken
                .iter()
                .any(|t| edit.range.start <= t.end && t.start <= edit.range.end)
        });
        if overlaps {
            continue;
        }
        taken.extend(fix.edits.iter().map(|edit| edit.range));
        chosen.push((FixKey::of(diagnostic.code, fix), fix.edits.as_slice()));
    }
    chosen
}

/// How many syntax errors a text's findings have.
pub fn syntax_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.code == "syntax-error")
        .count()
}

/// How many error findings each code has.
fn errors_by_code(diagnostics: &[Diagnostic]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for diagnostic in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        *counts.entry(diagnostic.code).or_insert(0) += 1;
    }
    counts
}

/// Whether `after` has an error finding that `before` did not: more errors of some code.
fn adds_errors(before: &BTreeMap<&'static str, usize>, after: &[Diagnostic]) -> bool {
    errors_by_code(after)
        .iter()
        .any(|(code, count)| count > before.get(code).unwrap_or(&0))
}

/// Whether the text ends its lines with `\r\n` (its first line break decides).
fn uses_crlf(text: &str) -> bool {
    text.find('\n')
        .is_some_and(|newline| text[..newline].ends_with('\r'))
}

/// An edit's text with its line breaks written as the file writes them.
fn with_line_endings(edit: &Edit, crlf: bool) -> Edit {
    if !crlf || !edit.content.contains('\n') {
        return edit.clone();
    }
    let content = edit.content.replace("\r\n", "\n").replace('\n', "\r\n");
    Edit::replace(edit.range, content)
}

/// What identifies a fix from one round to the next (its edits' ranges move).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixKey {
    code: &'static str,
    message: String,
    contents: Vec<String>,
}

impl FixKey {
    fn of(code: &'static str, fix: &Fix) -> FixKey {
        FixKey {
            code,
            message: fix.message.clone(),
            contents: fix.edits.iter().map(|edit| edit.content.clone()).collect(),
        }
    }
}

/// The text with `fixes` applied and its findings, unless the result has an error
/// finding that `before` did not. With no fixes, the text as it is.
fn apply_checked(
    text: &str,
    fixes: &[(FixKey, Vec<Edit>)],
    before: &BTreeMap<&'static str, usize>,
    analyse: &dyn Fn(&str) -> Vec<Diagnostic>,
) -> Option<(String, Vec<Diagnostic>)> {
    let edits: Vec<Edit> = fixes.iter().flat_map(|(_, edits)| edits).cloned().collect();
    let (fixed, _) = apply_edits(text, &edits);
    if fixed == text {
        return Some((fixed, Vec::new()));
    }
    let diagnostics = analyse(&fixed);
    (!adds_errors(before, &diagnostics)).then_some((fixed, diagnostics))
}

/// Applies fixes in rounds; returns the fixed text and its findings, or `None` when
/// nothing could be fixed without breaking the file.
///
/// A round applies every fix that overlaps none taken before it. When its result has
/// an error finding the text before did not (a duplicate key, a syntax error, a value
/// out of range), the round's fixes are tried one at a time instead, and each fix
/// whose result adds an error is dropped for good: fixing a fixed file changes nothing.
pub fn fix_all(
    original: &str,
    findings: &[Diagnostic],
    unsafe_fixes: bool,
    analyse: &dyn Fn(&str) -> Vec<Diagnostic>,
) -> Option<Fixed> {
    let crlf = uses_crlf(original);
    let mut text = original.to_owned();
    let mut diagnostics = findings.to_vec();
    let mut converged = false;
    // Fixes found to add errors: the finding's code, the fix's message and the text
    // each of its edits writes (ranges move as other fixes land).
    let mut refused: Vec<FixKey> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let before = errors_by_code(&diagnostics);
        let fixes: Vec<(FixKey, Vec<Edit>)> = select(&diagnostics, unsafe_fixes)
            .into_iter()
            .filter(|(key, _)| !refused.contains(key))
            .map(|(key, edits)| {
                let edits = edits.iter().map(|e| with_line_endings(e, crlf)).collect();
                (key, edits)
            })
            .collect();
        let (fixed, fixed_diagnostics) = match apply_checked(&text, &fixes, &before, analyse) {
            Some(result) => result,
            None => {
                // Some fix adds an error: try each alone, refuse those that add one,
                // and apply the others together.
                let mut good = Vec::new();
                for (key, edits) in fixes {
                    let alone = [(key, edits)];
                    if apply_checked(&text, &alone, &before, analyse).is_some() {
                        good.extend(alone);
                    } else {
                        let [(key, _)] = alone;
                        refused.push(key);
                    }
                }
                match apply_checked(&text, &good, &before, analyse) {
                    Some(result) => result,
                    // Together they still add one: the first alone (it passed alone).
                    None => match good.into_iter().next() {
                        Some(first) => match apply_checked(&text, &[first], &before, analyse) {
                            Some(result) => result,
                            None => break,
                        },
                        None => continue,
                    },
                }
            }
        };
        if fixed == text {
            converged = true;
            break;
        }
        text = fixed;
        diagnostics = fixed_diagnostics;
    }
    (syntax_errors(&diagnostics) <= syntax_errors(findings)).then_some(Fixed {
        text,
        diagnostics,
        converged,
    })
}
