//! `ddia check --fix / --unsafe-fixes / --diff / --add-ignore`: edits files in place.
//!
//! Fixes are applied by [`crate::fix_all`]: in rounds until nothing changes, never
//! one whose result has an error finding the text before did not. Files are written
//! atomically (a temporary file in the same directory, then a rename), keeping their
//! byte-order mark, line endings, permissions and owner; every byte outside the edits
//! stays as it was. Standard input is fixed to standard output.

use super::CheckArgs;
use super::check::CheckedFile;
use crate::analysis::{AnalysisInput, analyze, read_from_disk};
use crate::diagnostic::{Diagnostic, apply_edits, redact_secrets};
use crate::fix_all::syntax_errors;
use crate::line_index::LineIndex;
use crate::text::TextRange;
use std::io::Write;
use std::path::Path;

/// Fixes (or diffs, or baselines) every file; returns whether anything changed.
///
/// A file read from standard input is never written: its fixed text goes to standard
/// output (as with ruff), whatever `--stdin-filename` names, and so does a diff.
pub fn run(args: &CheckArgs, checked: &mut [CheckedFile], errors: &mut Vec<String>) -> bool {
    let mut changed = false;
    let mut out = anstream::stdout().lock();
    for file in checked.iter_mut() {
        let path = file.path.clone();
        if !file.read_whole {
            // Above the size limit: nothing to fix, and for standard input nothing to
            // print in place of a text that was not read (an editor piping its buffer
            // through `--fix` keeps it on a failure).
            if file.from_stdin && !args.diff {
                errors.push(format!(
                    "{}: larger than the size limit: not fixed, and not printed",
                    file.name
                ));
            }
            continue;
        }
        if path.is_none() && !file.from_stdin {
            continue;
        }
        let original = file.text.clone();
        let result = if args.add_ignore {
            add_ignores(file, path.as_deref())
        } else {
            crate::fix_all::fix_all(&file.text, &file.diagnostics, args.unsafe_fixes, &|text| {
                analyse(text, path.as_deref(), file)
            })
            .map(|fixed| (fixed.text, fixed.diagnostics))
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
        file.fixed += file.diagnostics.len().saturating_sub(diagnostics.len());
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
            crate::text::printable(&file.name)
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
