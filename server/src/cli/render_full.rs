//! The default human output: rustc-style findings with the source line and a caret underline.

use super::check::CheckedFile;
use crate::diagnostic::{Applicability, Diagnostic, Severity, redact_secrets};
use crate::text::{TextRange, printable};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::io::{self, Write};

/// Related locations further than this many lines from the finding get a snippet of
/// their own.
const NEARBY_LINES: usize = 8;

pub fn render(
    out: &mut impl Write,
    files: &[CheckedFile],
    quiet: bool,
    excluded: usize,
) -> io::Result<()> {
    let renderer = Renderer::styled();
    let mut counts = [0usize; 3];
    let (mut safe, mut unsafe_only) = (0, 0);
    for file in files {
        // Snippets show the source, so secrets found in it are masked first.
        let shown = redact_secrets(&file.text, &file.diagnostics);
        for diagnostic in &file.diagnostics {
            counts[diagnostic.severity as usize] += 1;
            if diagnostic
                .fixes
                .iter()
                .any(|fix| fix.applicability == Applicability::Safe)
            {
                safe += 1;
            } else if !diagnostic.fixes.is_empty() {
                unsafe_only += 1;
            }
            let report = report(file, &shown, diagnostic);
            writeln!(out, "{}\n", renderer.render(&report))?;
        }
    }
    let total: usize = counts.iter().sum();
    if quiet {
        return Ok(());
    }
    // What was not checked, and why: templates, other YAML, excluded files.
    let checked = files.iter().filter(|file| file.skipped.is_none()).count();
    let mut reasons: std::collections::BTreeMap<super::check::Skipped, usize> =
        std::collections::BTreeMap::new();
    for reason in files.iter().filter_map(|file| file.skipped) {
        *reasons.entry(reason).or_default() += 1;
    }
    // A file above the size limit has its note among the findings already.
    reasons.remove(&super::check::Skipped::TooLarge);
    let mut skipped: Vec<String> = reasons
        .iter()
        .map(|(reason, count)| reason.describe(*count))
        .collect();
    if excluded > 0 {
        skipped.push(format!(
            "{} excluded by `exclude` in ddia.toml",
            describe_files(excluded)
        ));
    }
    let skipped_note = if skipped.is_empty() {
        String::new()
    } else {
        format!(" Skipped: {}.", skipped.join("; "))
    };
    let fixed: usize = files.iter().map(|file| file.fixed).sum();
    if files.is_empty() && excluded == 0 {
        writeln!(
            out,
            "No file was checked: no YAML file (`.yaml`, `.yml`) was found in the paths given."
        )
    } else if total == 0 && checked == 0 && fixed == 0 {
        writeln!(out, "No file was checked.{skipped_note}")
    } else if total == 0 && fixed == 0 {
        writeln!(
            out,
            "All checks passed: {} found nothing to report.{skipped_note}",
            describe_files(checked)
        )
    } else if fixed > 0 {
        writeln!(
            out,
            "Fixed {fixed} {} ({total} remaining) in {}.{skipped_note}",
            plural(fixed, "problem", "problems"),
            describe_files(checked),
        )?;
        fix_hint(out, safe, unsafe_only)
    } else {
        let [errors, warnings, infos] = counts;
        writeln!(
            out,
            "Found {total} {} ({errors} {}, {warnings} {}, {infos} info) in {}.{skipped_note}",
            plural(total, "problem", "problems"),
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings"),
            describe_files(
                files
                    .iter()
                    .filter(|file| file.skipped.is_none() || !file.diagnostics.is_empty())
                    .count()
            ),
        )?;
        fix_hint(out, safe, unsafe_only)
    }
}

/// Names `--fix` when findings have safe fixes, and `--unsafe-fixes` for the rest.
fn fix_hint(out: &mut impl Write, safe: usize, unsafe_only: usize) -> io::Result<()> {
    match (safe, unsafe_only) {
        (0, 0) => Ok(()),
        (0, n) => writeln!(
            out,
            "{n} {} a fix that changes the design (review it): `ddia check --fix --unsafe-fixes`.",
            plural(n, "has", "have"),
        ),
        (n, 0) => writeln!(out, "{n} fixable with `ddia check --fix`."),
        (n, m) => writeln!(
            out,
            "{n} fixable with `ddia check --fix` ({m} more with `--fix --unsafe-fixes`, which change the design: review them)."
        ),
    }
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

fn describe_files(count: usize) -> String {
    format!("{count} {}", plural(count, "file", "files"))
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// The lines around `ranges` as one snippet: the source text they span and the
/// 1-based number of the first line.
fn lines_around(file: &CheckedFile, ranges: &[TextRange]) -> (TextRange, usize) {
    let index = &file.index;
    let first = ranges
        .iter()
        .map(|r| index.line_of(r.start))
        .min()
        .unwrap_or(0);
    let last = ranges
        .iter()
        .map(|r| index.line_of(r.end.max(r.start)))
        .max()
        .unwrap_or(first);
    let start = index.line_range(first).start;
    let end = index.line_range(last).end;
    (TextRange::new(start, end), first + 1)
}

fn report<'a>(file: &'a CheckedFile, shown: &'a str, diagnostic: &'a Diagnostic) -> Vec<Group<'a>> {
    let index = &file.index;
    let main_line = index.line_of(diagnostic.range.start);
    let (nearby, distant): (Vec<_>, Vec<_>) = diagnostic.related.iter().partition(|related| {
        index.line_of(related.range.start).abs_diff(main_line) <= NEARBY_LINES
    });
    let mut ranges = vec![diagnostic.range];
    ranges.extend(nearby.iter().map(|r| r.range));
    let (window, line_start) = lines_around(file, &ranges);
    let source = &shown[window.as_range()];
    let local = |range: TextRange| {
        let start = range.start.clamp(window.start, window.end) - window.start;
        let end = range.end.clamp(window.start, window.end) - window.start;
        start..end
    };
    let name = printable(&file.name);
    let mut snippet = Snippet::source(source)
        .line_start(line_start)
        .path(name.clone())
        .annotation(AnnotationKind::Primary.span(local(diagnostic.range)));
    for related in &nearby {
        snippet = snippet.annotation(
            AnnotationKind::Context
                .span(local(related.range))
                .label(printable(&related.message)),
        );
    }
    let mut title = level(diagnostic.severity)
        .primary_title(printable(&diagnostic.message))
        .id(diagnostic.code)
        .element(snippet);
    for fix in &diagnostic.fixes {
        let note = match fix.applicability {
            Applicability::Safe => printable(&fix.message).into_owned(),
            Applicability::Unsafe => {
                format!("{} (unsafe: changes the design)", printable(&fix.message))
            }
        };
        title = title.element(Level::HELP.message(note));
    }
    let mut groups = vec![title];
    for related in distant {
        let (window, line_start) = lines_around(file, &[related.range]);
        let start = related.range.start.clamp(window.start, window.end) - window.start;
        let end = related.range.end.clamp(window.start, window.end) - window.start;
        groups.push(
            Group::with_title(Level::NOTE.secondary_title(printable(&related.message))).element(
                Snippet::source(&shown[window.as_range()])
                    .line_start(line_start)
                    .path(name.clone())
                    .annotation(AnnotationKind::Context.span(start..end)),
            ),
        );
    }
    groups
}
