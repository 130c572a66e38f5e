//! Suppression comments: `# ddia: ignore[code, ...]` for a line, `# ddia: ignore-file[...]`
//! for the whole file, each optionally followed by `-- reason`.
//!
//! A line suppression at the end of a line applies to findings that start on that line;
//! alone on its line, it applies to the next line with content. Without a code list it
//! applies to every code. Suppressions that suppress nothing are reported
//! (`unused-suppression`), and so are unknown codes in them (`invalid-suppression`).

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::line_index::LineIndex;
use crate::rules::{self, ALL_RULES, INVALID_SUPPRESSION, UNUSED_SUPPRESSION};
use crate::syntax::Comment;
use crate::text::TextRange;

/// The scope of a suppression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Findings starting on this 0-based line.
    Line(usize),
    File,
}

/// One parsed suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub scope: Scope,
    /// The codes and their ranges in the comment; empty means every code.
    pub codes: Vec<(String, TextRange)>,
    /// The whole comment.
    pub range: TextRange,
}

/// Parses the ddia suppression in a comment, if it is one.
pub fn parse_comment(comment: &Comment, text: &str, index: &LineIndex) -> Option<Suppression> {
    // The directive may follow another comment on the same line:
    // `# explained elsewhere  # ddia: ignore[...]`.
    let start = if comment
        .text
        .trim_start_matches('#')
        .trim_start()
        .starts_with("ddia:")
    {
        0
    } else {
        comment.text.rfind("# ddia:")?
    };
    let body = comment.text[start..].strip_prefix('#')?.trim_start();
    let directive = body.strip_prefix("ddia:")?.trim_start();
    let (file, rest) = if let Some(rest) = directive.strip_prefix("ignore-file") {
        (true, rest)
    } else if let Some(rest) = directive.strip_prefix("ignore") {
        (false, rest)
    } else {
        return None;
    };
    // Codes in `[...]`, located in the source text.
    let mut codes = Vec::new();
    if let Some(open) = rest.strip_prefix('[') {
        let close = open.find(']')?;
        let list = &open[..close];
        let list_start = comment.range.start + (comment.text.len() - rest.len()) + 1;
        let mut offset = 0;
        for part in list.split(',') {
            let code = part.trim();
            let leading = part.len() - part.trim_start().len();
            if !code.is_empty() {
                let start = list_start + offset + leading;
                codes.push((code.to_owned(), TextRange::new(start, start + code.len())));
            }
            offset += part.len() + 1;
        }
    } else if !(rest.is_empty() || rest.trim_start().starts_with("--")) {
        return None;
    }
    let scope = if file {
        Scope::File
    } else {
        let line = index.line_of(comment.range.start);
        let line_range = index.line_range(line);
        let before = &text[line_range.start..comment.range.start];
        if before.trim().is_empty() {
            // Alone on its line: the next line with content.
            let mut next = line + 1;
            while next < index.line_count() {
                let content = text[index.line_range(next).as_range()].trim();
                if !content.is_empty() && !content.starts_with('#') {
                    break;
                }
                next += 1;
            }
            Scope::Line(next)
        } else {
            Scope::Line(line)
        }
    };
    Some(Suppression {
        scope,
        codes,
        range: comment.range,
    })
}

/// Removes suppressed findings and adds findings about the suppressions themselves.
pub fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    comments: &[Comment],
    text: &str,
    index: &LineIndex,
) {
    let suppressions: Vec<Suppression> = comments
        .iter()
        .filter_map(|comment| parse_comment(comment, text, index))
        .collect();
    if suppressions.is_empty() {
        return;
    }
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.codes.len().max(1)])
        .collect();
    diagnostics.retain(|diagnostic| {
        let line = index.line_of(diagnostic.range.start);
        let mut suppressed = false;
        for (s, suppression) in suppressions.iter().enumerate() {
            let applies = match suppression.scope {
                Scope::File => true,
                Scope::Line(target) => target == line,
            };
            if !applies {
                continue;
            }
            if suppression.codes.is_empty() {
                used[s][0] = true;
                suppressed = true;
            } else if let Some(c) = suppression
                .codes
                .iter()
                .position(|(code, _)| code == diagnostic.code)
            {
                used[s][c] = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    let known: Vec<&str> = ALL_RULES.iter().map(|rule| rule.code).collect();
    for (s, suppression) in suppressions.iter().enumerate() {
        if suppression.codes.is_empty() {
            if !used[s][0] {
                diagnostics.push(unused(suppression.range, "this suppression", text));
            }
            continue;
        }
        for (c, (code, range)) in suppression.codes.iter().enumerate() {
            if rules::rule(code).is_none() {
                let suggestion = crate::model::suggest::closest(code, &known);
                let message = match suggestion {
                    Some(known) => format!(
                        "unknown rule code `{code}` in a suppression: did you mean `{known}`?"
                    ),
                    None => format!(
                        "unknown rule code `{code}` in a suppression; `ddia rules` lists the codes"
                    ),
                };
                let fix = suggestion.map(|known| Fix {
                    message: format!("Replace with `{known}`"),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::replace(*range, known)],
                });
                diagnostics.push(
                    INVALID_SUPPRESSION
                        .diagnostic(*range, message)
                        .with_fix(fix),
                );
            } else if !used[s][c] {
                diagnostics.push(unused(
                    *range,
                    &format!("the suppression of `{code}`"),
                    text,
                ));
            }
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
}

fn unused(range: TextRange, what: &str, _text: &str) -> Diagnostic {
    UNUSED_SUPPRESSION.diagnostic(
        range,
        format!("{what} suppresses nothing: the finding is gone, so the comment can go too"),
    )
}

/// A fix that suppresses `code` on the line where `range` starts: it extends a ddia
/// comment already on that line, or appends one.
pub fn ignore_on_line(
    code: &str,
    range: TextRange,
    text: &str,
    comments: &[Comment],
    index: &LineIndex,
) -> Fix {
    let line = index.line_of(range.start);
    let line_range = index.line_range(line);
    let existing = comments.iter().find_map(|comment| {
        let suppression = parse_comment(comment, text, index)?;
        (suppression.scope == Scope::Line(line) && index.line_of(comment.range.start) == line)
            .then_some((comment, suppression))
    });
    let edit = match existing {
        Some((_, suppression)) if !suppression.codes.is_empty() => {
            let last = suppression
                .codes
                .last()
                .map_or(suppression.range.end, |(_, r)| r.end);
            Edit::insert(last, format!(", {code}"))
        }
        _ => Edit::insert(line_range.end, format!("  # ddia: ignore[{code}]")),
    };
    Fix {
        message: format!("Ignore `{code}` on this line"),
        applicability: Applicability::Safe,
        edits: vec![edit],
    }
}

/// A fix that suppresses `code` in the whole file, with a comment on the first line.
pub fn ignore_in_file(code: &str) -> Fix {
    Fix {
        message: format!("Ignore `{code}` in this file"),
        applicability: Applicability::Safe,
        edits: vec![Edit::insert(0, format!("# ddia: ignore-file[{code}]\n"))],
    }
}
