//! The machine formats of `ddia check`: concise, JSON lines, GitHub workflow commands,
//! GitLab Code Quality, JUnit XML and SARIF 2.1.0; and the `--statistics` table.

use super::check::CheckedFile;
use super::render_json::to_json;
use crate::diagnostic::{Diagnostic, Severity};
use crate::line_index::ColumnEncoding;
use crate::rules::{self, ALL_RULES};
use crate::text::{is_unprintable, printable};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// 1-based line and column (Unicode scalars) of an offset.
fn position(file: &CheckedFile, offset: usize) -> (usize, usize) {
    let p = file.index.line_col(offset, ColumnEncoding::Scalar);
    (p.line + 1, p.column + 1)
}

fn findings(files: &[CheckedFile]) -> impl Iterator<Item = (&CheckedFile, &Diagnostic)> {
    files
        .iter()
        .flat_map(|file| file.diagnostics.iter().map(move |d| (file, d)))
}

/// `path:line:col: severity[code] message`, one finding per line.
pub fn concise(out: &mut impl Write, files: &[CheckedFile]) -> io::Result<()> {
    for (file, d) in findings(files) {
        let (line, column) = position(file, d.range.start);
        // Names and messages may carry a file's keys: never an escape sequence or a
        // line break that a terminal or a CI log would act on.
        writeln!(
            out,
            "{}:{line}:{column}: {}[{}] {}",
            printable(&file.name),
            d.severity.as_str(),
            d.code,
            printable(&d.message)
        )?;
    }
    Ok(())
}

/// One JSON object per line, with the fields of the JSON format.
pub fn json_lines(out: &mut impl Write, files: &[CheckedFile]) -> io::Result<()> {
    for (file, d) in findings(files) {
        let value = serde_json::to_string(&to_json(file, d)).map_err(io::Error::other)?;
        writeln!(out, "{value}")?;
    }
    Ok(())
}

/// Escapes the data of a GitHub workflow command (and, with `property`, a property).
fn github_escape(text: &str, property: bool) -> String {
    let mut escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        escaped = escaped.replace(':', "%3A").replace(',', "%2C");
    }
    escaped
}

/// GitHub Actions workflow commands, which annotate the pull request.
pub fn github(out: &mut impl Write, files: &[CheckedFile]) -> io::Result<()> {
    for (file, d) in findings(files) {
        let (line, column) = position(file, d.range.start);
        let (end_line, end_column) = position(file, d.range.end);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{level} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}",
            // The path must name the file exactly for GitHub to place the annotation;
            // its line breaks are escaped like every property's.
            github_escape(&file.name, true),
            github_escape(d.code, true),
            github_escape(&printable(&d.message), false)
        )?;
    }
    Ok(())
}

/// A file name as a SARIF artifact URI: a relative reference with `/` separators, or
/// a `file://` URI for an absolute path, with every other byte that a URI cannot carry
/// as is percent-encoded (so a colon never reads as a scheme).
fn sarif_uri(name: &str) -> String {
    let path = name.replace('\\', "/");
    let mut uri = String::with_capacity(path.len());
    if path.starts_with('/') {
        uri.push_str("file://");
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// A stable 64-bit FNV-1a hash, for fingerprints.
fn fnv(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf29ce484222325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x100000001b3);
        }
    }
    hash
}

/// A GitLab Code Quality report (an array of issues).
pub fn gitlab(out: &mut impl Write, files: &[CheckedFile]) -> io::Result<()> {
    let issues: Vec<serde_json::Value> = findings(files)
        .map(|(file, d)| {
            let (begin, _) = position(file, d.range.start);
            let (end, _) = position(file, d.range.end);
            let severity = match d.severity {
                Severity::Error => "critical",
                Severity::Warning => "major",
                Severity::Info => "info",
            };
            // The line is left out of the fingerprint so that a finding keeps its
            // identity when lines above it move.
            let fingerprint = format!("{:016x}", fnv(&[d.code, &file.name, &d.message]));
            serde_json::json!({
                "description": d.message,
                "check_name": d.code,
                "fingerprint": fingerprint,
                "severity": severity,
                "location": {"path": file.name, "lines": {"begin": begin, "end": end}},
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues).map_err(io::Error::other)?;
    writeln!(out)
}

/// Escapes text for an XML attribute or element. Control characters that XML 1.0
/// cannot carry at all (even as references) become U+FFFD; line breaks and tabs
/// become character references so attributes keep them.
fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' => escaped.push_str("&#9;"),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => escaped.push('\u{FFFD}'),
            c if is_unprintable(c) => escaped.push_str(&printable(c.encode_utf8(&mut [0; 4]))),
            c => escaped.push(c),
        }
    }
    escaped
}

/// JUnit XML: a test case per finding (failed), and a passing one per clean file.
pub fn junit(out: &mut impl Write, files: &[CheckedFile]) -> io::Result<()> {
    let failures = files.iter().map(|f| f.diagnostics.len()).sum::<usize>();
    let clean = files.iter().filter(|f| f.diagnostics.is_empty()).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="ddia" tests="{}" failures="{failures}">"#,
        failures + clean
    )?;
    writeln!(
        out,
        r#"  <testsuite name="ddia" tests="{}" failures="{failures}" errors="0" skipped="0">"#,
        failures + clean
    )?;
    for file in files {
        let name = xml_escape(&file.name);
        if file.diagnostics.is_empty() {
            writeln!(out, r#"    <testcase name="{name}" classname="{name}"/>"#)?;
            continue;
        }
        for d in &file.diagnostics {
            let (line, column) = position(file, d.range.start);
            writeln!(
                out,
                r#"    <testcase name="{}:{line}:{column} {}" classname="{name}" file="{name}" line="{line}">"#,
                name, d.code
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}:{line}:{column}: {}[{}] {}</failure>"#,
                xml_escape(&d.message),
                d.code,
                name,
                d.severity.as_str(),
                d.code,
                xml_escape(&d.message)
            )?;
            writeln!(out, "    </testcase>")?;
        }
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF 2.1.0: every rule in the tool's driver, every finding with an exact region
/// (end line and column included; columns count Unicode code points).
pub fn sarif(out: &mut impl Write, files: &[CheckedFile]) -> io::Result<()> {
    let rules: Vec<serde_json::Value> = ALL_RULES
        .iter()
        .map(|rule| {
            serde_json::json!({
                "id": rule.code,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.docs()},
                "helpUri": rule.url(),
                "help": {"text": rule.summary, "markdown": rule.docs()},
                "defaultConfiguration": {"level": sarif_level(rule.severity)},
                "properties": {"category": rule.category.as_str()},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = findings(files)
        .map(|(file, d)| {
            let (start_line, start_column) = position(file, d.range.start);
            let (end_line, end_column) = position(file, d.range.end);
            let rule_index = ALL_RULES.iter().position(|r| r.code == d.code);
            let related: Vec<serde_json::Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(id, related)| {
                    let (line, column) = position(file, related.range.start);
                    let (end_line, end_column) = position(file, related.range.end);
                    serde_json::json!({
                        "id": id,
                        "message": {"text": related.message},
                        "physicalLocation": {
                            "artifactLocation": {"uri": sarif_uri(&file.name)},
                            "region": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column},
                        },
                    })
                })
                .collect();
            let mut result = serde_json::json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": {"text": d.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": sarif_uri(&file.name)},
                        "region": {
                            "startLine": start_line,
                            "startColumn": start_column,
                            "endLine": end_line,
                            "endColumn": end_column,
                        },
                    },
                }],
            });
            if let Some(index) = rule_index {
                result["ruleIndex"] = serde_json::json!(index);
            }
            if !related.is_empty() {
                result["relatedLocations"] = serde_json::json!(related);
            }
            result
        })
        .collect();
    let log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ddia",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": crate::links::REPOSITORY,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
    writeln!(out)
}

/// `--statistics`: how many findings of each code, most frequent first.
pub fn statistics(
    out: &mut impl Write,
    files: &[CheckedFile],
    format: super::OutputFormat,
) -> io::Result<()> {
    // Per code: the findings, and how many of them have a safe fix.
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (_, d) in findings(files) {
        let entry = counts.entry(d.code).or_default();
        entry.0 += 1;
        if d.fixes
            .iter()
            .any(|fix| fix.applicability == crate::diagnostic::Applicability::Safe)
        {
            entry.1 += 1;
        }
    }
    let mut rows: Vec<(&str, (usize, usize))> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let total: usize = rows.iter().map(|(_, (count, _))| count).sum();
    let fixable: usize = rows.iter().map(|(_, (_, fixable))| fixable).sum();
    if matches!(
        format,
        super::OutputFormat::Json | super::OutputFormat::JsonLines
    ) {
        let rules: Vec<serde_json::Value> = rows
            .iter()
            .map(|(code, (count, fixable))| {
                let rule = rules::rule(code);
                serde_json::json!({
                    "code": code,
                    "severity": rule.map(|r| r.severity.as_str()),
                    "summary": rule.map(|r| r.summary),
                    "count": count,
                    "fixable": fixable,
                })
            })
            .collect();
        let report = serde_json::json!({"total": total, "fixable": fixable, "rules": rules});
        serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::other)?;
        return writeln!(out);
    }
    let width = rows.iter().map(|(code, _)| code.len()).max().unwrap_or(0);
    for (code, (count, fixable)) in &rows {
        let rule = rules::rule(code);
        // `[*]` marks codes whose findings `--fix` can fix, as ruff marks them.
        let mark = if *fixable > 0 { "[*]" } else { "   " };
        writeln!(
            out,
            "{count:>5}  {code:<width$}  {mark}  {:<7}  {}",
            rule.map_or("", |r| r.severity.as_str()),
            rule.map_or("", |r| r.summary)
        )?;
    }
    writeln!(
        out,
        "Found {total} {} ({fixable} fixable with `--fix`).",
        if total == 1 { "problem" } else { "problems" }
    )
}
