//! `ddia check --fix / --unsafe-fixes / --diff / --add-ignore`: edits files in place.
//!
//! Fixes are applied in rounds (a fix can reveal another) until nothing changes;
//! edits that overlap one already taken wait for the next round. A fix whose result
//! has an error finding the text before did not is never applied. Files are written
//! atomically (a temporary file in the same directory, then a rename), keeping their
//! byte-order mark, line endings, permissions and owner; every byte outside the edits
//! stays as it was. Standard input is fixed to standard output.

use super::CheckArgs;
use super::check::CheckedFile;
use crate::analysis::{AnalysisInput, analyze, read_from_disk};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Severity, apply_edits, redact_secrets};
use crate::line_index::LineIndex;
use crate::text::TextRange;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The most rounds of fixing one file.
const MAX_ROUNDS: usize = 10;

/// Fixes (or diffs, or baselines) every file; returns whether anything changed.
///
/// A file read from standard input is never written: its fixed text goes to standard
/// output (as with ruff), whatever `--stdin-filename` names, and so does a diff.
pub fn run(args: &CheckArgs, checked: &mut [CheckedFile], errors: &mut Vec<String>) -> bool {
    let mut changed = false;
    let mut out = anstream::stdout().lock();
    for file in checked.iter_mut() {
        let path = file.path.clone();
        if path.is_none() && !file.from_stdin {
            continue;
        }
        let original = file.text.clone();
        let result = if args.add_ignore {
            add_ignores(file, path.as_deref())
        } else {
            fix(file, path.as_deref(), args.unsafe_fixes)
        };
        let fixed = result.as_ref().map_or(&original, |(text, _)| text);
        if file.from_stdin && !args.diff {
            // The whole text, fixed or not, is the output.
            let _ = out.write_all(fixed.as_bytes());
        }
        let Some((text, diagnostics)) = result else {
            continue;
        };
        if text == original {
            continue;
        }
        changed = true;
        if args.diff {
            // The diff of the texts with their secrets masked: no line, changed or
            // context, ever shows one.
            let before = redact_secrets(&original, &file.diagnostics);
            let after = redact_secrets(&text, &diagnostics);
            let diff = similar::TextDiff::from_lines(before.as_ref(), after.as_ref());
            let name = crate::text::printable(&file.name);
            let rendered = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{name}"), &format!("b/{name}"))
                .to_string();
            let _ = write!(out, "{rendered}");
            continue;
        }
        if !file.from_stdin {
            let Some(path) = &path else {
                continue;
            };
            if let Err(error) = write_atomically(path, &text, file.bom) {
                errors.push(format!(
                    "{}: cannot write the fixed file: {error}",
                    file.name
                ));
                continue;
            }
        }
        file.index = LineIndex::new(&text);
        file.text = text;
        file.diagnostics = diagnostics;
    }
    let _ = out.flush();
    changed
}

fn analyse(text: &str, path: Option<&Path>, file: &CheckedFile) -> Vec<Diagnostic> {
    // Files named by the checked one are read only inside the working directory
    // or the file's own directory.
    let working_directory = std::env::current_dir().ok();
    let mut analysis = analyze(AnalysisInput {
        text,
        path,
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
struct FixKey {
    code: &'static str,
    message: String,
    contents: Vec<String>,
}

impl FixKey {
    fn of(code: &'static str, fix: &crate::diagnostic::Fix) -> FixKey {
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
    path: Option<&Path>,
    file: &CheckedFile,
) -> Option<(String, Vec<Diagnostic>)> {
    let edits: Vec<Edit> = fixes.iter().flat_map(|(_, edits)| edits).cloned().collect();
    let (fixed, _) = apply_edits(text, &edits);
    if fixed == text {
        return Some((fixed, Vec::new()));
    }
    let diagnostics = analyse(&fixed, path, file);
    (!adds_errors(before, &diagnostics)).then_some((fixed, diagnostics))
}

/// Applies fixes in rounds; returns the fixed text and its findings, or `None` when
/// nothing could be fixed without breaking the file.
///
/// A round applies every fix that overlaps none taken before it. When its result has
/// an error finding the text before did not (a duplicate key, a syntax error, a value
/// out of range), the round's fixes are tried one at a time instead, and each fix
/// whose result adds an error is dropped for good: fixing a fixed file changes nothing.
fn fix(
    file: &CheckedFile,
    path: Option<&Path>,
    unsafe_fixes: bool,
) -> Option<(String, Vec<Diagnostic>)> {
    let crlf = uses_crlf(&file.text);
    let mut text = file.text.clone();
    let mut diagnostics = file.diagnostics.clone();
    // Fixes found to add errors: the finding's code, the fix's message and the text
    // each of its edits writes (ranges move as other fixes land).
    let mut refused: Vec<FixKey> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let before = errors_by_code(&diagnostics);
        let mut taken: Vec<TextRange> = Vec::new();
        let mut fixes: Vec<(FixKey, Vec<Edit>)> = Vec::new();
        for diagnostic in &diagnostics {
            let Some(fix) = diagnostic.fix() else {
                continue;
            };
            if fix.applicability == Applicability::Unsafe && !unsafe_fixes {
                continue;
            }
            let key = FixKey::of(diagnostic.code, fix);
            if refused.contains(&key) {
                continue;
            }
            let edits: Vec<Edit> = fix
                .edits
                .iter()
                .map(|edit| with_line_endings(edit, crlf))
                .collect();
            let overlaps = edits.iter().any(|edit| {
                taken
                    .iter()
                    .any(|t| edit.range.start <= t.end && t.start <= edit.range.end)
            });
            if overlaps {
                continue;
            }
            taken.extend(edits.iter().map(|edit| edit.range));
            fixes.push((key, edits));
        }
        let (fixed, fixed_diagnostics) = match apply_checked(&text, &fixes, &before, path, file) {
            Some(result) => result,
            None => {
                // Some fix adds an error: try each alone, refuse those that add one,
                // and apply the others together.
                let mut good = Vec::new();
                for (key, edits) in fixes {
                    let alone = [(key, edits)];
                    if apply_checked(&text, &alone, &before, path, file).is_some() {
                        good.extend(alone);
                    } else {
                        let [(key, _)] = alone;
                        refused.push(key);
                    }
                }
                match apply_checked(&text, &good, &before, path, file) {
                    Some(result) => result,
                    // Together they still add one: the first alone (it passed alone).
                    None => match good.into_iter().next() {
                        Some(first) => match apply_checked(&text, &[first], &before, path, file) {
                            Some(result) => result,
                            None => break,
                        },
                        None => continue,
                    },
                }
            }
        };
        if fixed == text {
            break;
        }
        text = fixed;
        diagnostics = fixed_diagnostics;
    }
    (syntax_errors(&diagnostics) <= syntax_errors(&file.diagnostics)).then_some((text, diagnostics))
}

/// Suppresses every current finding with a comment on its line (codes of one line
/// share one comment); checks that the result suppresses exactly those findings.
fn add_ignores(file: &CheckedFile, path: Option<&Path>) -> Option<(String, Vec<Diagnostic>)> {
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

/// Writes `text` (after a byte-order mark when the file had one) over the file at
/// `path`, atomically: a temporary file is created beside it (with `O_EXCL` under a
/// random name, so a planted link or file is never opened), given the original's
/// permissions and, where allowed, its owner, then renamed over it. A symbolic link
/// stays a link: the file it points to is the one fixed.
fn write_atomically(path: &Path, text: &str, bom: bool) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&target)?;
    if !metadata.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let dir = target
        .parent()
        .ok_or_else(|| std::io::Error::other("the file has no folder"))?;
    let name = target
        .file_name()
        .map_or_else(|| "file".into(), |name| name.to_string_lossy());
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".ddia.tmp")
        .tempfile_in(dir)?;
    if bom {
        temporary.write_all(b"\xEF\xBB\xBF")?;
    }
    temporary.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file to another user: elsewhere the new file is the
        // user's own, as an editor's save would make it.
        let _ = std::os::unix::fs::fchown(
            temporary.as_file(),
            Some(metadata.uid()),
            Some(metadata.gid()),
        );
    }
    temporary
        .as_file()
        .set_permissions(metadata.permissions())?;
    temporary.as_file().sync_all()?;
    // On failure the temporary file is removed when it is dropped.
    temporary.persist(&target).map_err(|error| error.error)?;
    Ok(())
}
