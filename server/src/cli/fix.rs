//! `ddia check --fix / --unsafe-fixes / --diff / --add-ignore`: edits files in place.
//!
//! Fixes are applied in rounds (a fix can reveal another) until nothing changes;
//! edits that overlap one already taken wait for the next round. A file whose result
//! has more syntax errors than before is left untouched. Files are written atomically
//! (a temporary file in the same directory, then a rename), and every byte outside the
//! edits stays as it was.

use super::CheckArgs;
use super::check::CheckedFile;
use crate::analysis::{AnalysisInput, analyze, read_from_disk};
use crate::diagnostic::{Applicability, Diagnostic, Edit, apply_edits, scrub_secrets};
use crate::line_index::LineIndex;
use crate::text::TextRange;
use std::io::Write;
use std::path::Path;

/// The most rounds of fixing one file.
const MAX_ROUNDS: usize = 10;

/// Fixes (or diffs, or baselines) every file; returns whether anything changed.
pub fn run(args: &CheckArgs, checked: &mut [CheckedFile], errors: &mut Vec<String>) -> bool {
    let mut changed = false;
    let mut diff_out = anstream::stdout().lock();
    for file in checked.iter_mut() {
        let Some(path) = file.path.clone() else {
            continue;
        };
        let original = file.text.clone();
        let result = if args.add_ignore {
            add_ignores(file, &path)
        } else {
            fix(file, &path, args.unsafe_fixes)
        };
        let Some((text, diagnostics)) = result else {
            continue;
        };
        if text == original {
            continue;
        }
        changed = true;
        if args.diff {
            let diff = similar::TextDiff::from_lines(&original, &text);
            let rendered = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", file.name), &format!("b/{}", file.name))
                .to_string();
            // Context lines may hold a secret the check found: never print it.
            let _ = write!(
                diff_out,
                "{}",
                scrub_secrets(&rendered, &original, &file.diagnostics)
            );
            continue;
        }
        if let Err(error) = write_atomically(&path, &text) {
            errors.push(format!(
                "{}: cannot write the fixed file: {error}",
                file.name
            ));
            continue;
        }
        file.index = LineIndex::new(&text);
        file.text = text;
        file.diagnostics = diagnostics;
    }
    changed
}

fn analyse(text: &str, path: &Path, file: &CheckedFile) -> Vec<Diagnostic> {
    // Files named by the checked one are read only inside the working directory
    // or the file's own directory.
    let working_directory = std::env::current_dir().ok();
    let mut analysis = analyze(AnalysisInput {
        text,
        path: Some(path),
        language_id: None,
        previous_tree: None,
        read_file: Some(&read_from_disk),
        workspace: working_directory.as_deref(),
        max_file_size: None,
        line_index: None,
        ..AnalysisInput::default()
    });
    file.settings.apply(&mut analysis.diagnostics);
    analysis.diagnostics
}

fn syntax_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.code == "syntax-error")
        .count()
}

/// Applies fixes in rounds; returns the fixed text and its findings, or `None` when
/// the result would be broken YAML.
fn fix(file: &CheckedFile, path: &Path, unsafe_fixes: bool) -> Option<(String, Vec<Diagnostic>)> {
    let before = syntax_errors(&file.diagnostics);
    let mut text = file.text.clone();
    let mut diagnostics = file.diagnostics.clone();
    for _ in 0..MAX_ROUNDS {
        let mut taken: Vec<TextRange> = Vec::new();
        let mut edits: Vec<Edit> = Vec::new();
        for diagnostic in &diagnostics {
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
            edits.extend(fix.edits.iter().cloned());
        }
        if edits.is_empty() {
            break;
        }
        let (fixed, _) = apply_edits(&text, &edits);
        if fixed == text {
            break;
        }
        text = fixed;
        diagnostics = analyse(&text, path, file);
    }
    (syntax_errors(&diagnostics) <= before).then_some((text, diagnostics))
}

/// Suppresses every current finding with a comment on its line (codes of one line
/// share one comment); checks that the result suppresses exactly those findings.
fn add_ignores(file: &CheckedFile, path: &Path) -> Option<(String, Vec<Diagnostic>)> {
    let suppressible: Vec<&Diagnostic> = file
        .diagnostics
        .iter()
        .filter(|d| {
            !matches!(
                d.code,
                "syntax-error" | "unused-suppression" | "invalid-suppression"
            )
        })
        .collect();
    if suppressible.is_empty() {
        return None;
    }
    let mut text = file.text.clone();
    // One code at a time, so each insertion sees the comments added before it.
    for diagnostic in suppressible {
        let parse = crate::syntax::parse(&text);
        let index = LineIndex::new(&text);
        // The finding's start, carried over earlier insertions (they only add text at
        // line ends, after every finding that starts on that line).
        let line = file.index.line_of(diagnostic.range.start);
        let start = index.line_range(line).start;
        let fix = crate::suppression::ignore_on_line(
            diagnostic.code,
            TextRange::empty(start),
            &text,
            &parse.stream.comments,
            &index,
        );
        let (next, _) = apply_edits(&text, &fix.edits);
        text = next;
    }
    let diagnostics = analyse(&text, path, file);
    let remaining = diagnostics
        .iter()
        .filter(|d| {
            !matches!(
                d.code,
                "syntax-error" | "unused-suppression" | "invalid-suppression"
            )
        })
        .count();
    if remaining > 0 || syntax_errors(&diagnostics) > syntax_errors(&file.diagnostics) {
        // A comment landed where YAML does not read it as one (inside a block scalar).
        eprintln!(
            "warning: {}: could not suppress every finding with comments; the file is left as it was",
            file.name
        );
        return None;
    }
    Some((text, diagnostics))
}

/// Writes through a temporary file in the same directory and a rename.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temporary = dir.join(format!(".{name}.ddia-{}.tmp", std::process::id()));
    let result = (|| {
        let mut handle = std::fs::File::create(&temporary)?;
        handle.write_all(text.as_bytes())?;
        handle.sync_all()?;
        if let Ok(metadata) = std::fs::metadata(path) {
            std::fs::set_permissions(&temporary, metadata.permissions())?;
        }
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
