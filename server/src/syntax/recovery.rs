//! Error recovery: re-parses with the lines of syntax errors blanked out.
//!
//! tree-sitter's recovery for YAML is often non-local: a bad dedent, a tab in the
//! indentation, `a: *` or an unclosed flow collection can turn the root into an
//! ERROR node that ends at the mistake, so everything after it is missing from the
//! tree. Each round here finds the offending lines, reports them, replaces their
//! bytes with spaces (so every offset stays valid) and re-parses, until the tree is
//! clean or no new line can be blanked.
//!
//! The re-parse reuses the old tree around the blanked lines only when no line nests
//! deeper than the scanner's state can carry between tokens: a truncated state stored
//! in an old token misparses the rest of the file after the blanked line. Otherwise it
//! starts from scratch. Debug builds compare each incremental round with a fresh parse.

use super::{ProblemKind, SyntaxProblem, new_parser};
use crate::text::TextRange;
use ddia_yaml_grammar::MAX_BLOCK_NESTING;
use std::collections::BTreeSet;
use tree_sitter::{Node, Tree};

/// Rounds of blanking and re-parsing before the remaining errors are just reported:
/// as many as parse [`ROUNDS_BUDGET_BYTES`] in all, at least [`MIN_ROUNDS`] (a large
/// file's rounds each cost a whole parse) and at most [`MAX_ROUNDS`] (a region
/// parsed alone is small).
const MIN_ROUNDS: usize = 4;
const MAX_ROUNDS: usize = 256;
const ROUNDS_BUDGET_BYTES: usize = 16 << 20;

pub(super) struct Recovered {
    /// The text that `tree` is a parse of: the input with blanked lines.
    pub text: String,
    pub tree: Tree,
    pub problems: Vec<SyntaxProblem>,
    /// The ranges that were blanked (whole lines), in no particular order.
    pub skipped: Vec<TextRange>,
    /// The first parse, of the input exactly as given, when it was one: an editor can
    /// edit it and hand it back to reparse the next version incrementally.
    pub reusable: Option<Tree>,
}

/// One place where parsing went wrong.
struct ErrorSite {
    kind: ProblemKind,
    /// Where to report it.
    report: TextRange,
    message: String,
    /// The byte range of the lines to blank, if any.
    blank: Option<TextRange>,
    /// Another place that explains it, with a message.
    related: Option<(TextRange, String)>,
}

pub(super) fn parse_with_recovery(input: &str, previous: Option<&Tree>) -> Recovered {
    parse_keeping(input, previous, None)
}

/// [`parse_with_recovery`], never blanking the bytes before `kept` (a line start): a
/// region's first line when the edit is below it (its key was read without an error
/// before, and in the whole text its context holds it). An error that reaches into
/// that line is blamed on the lines after it that it covers.
pub(super) fn parse_keeping(
    input: &str,
    previous: Option<&Tree>,
    kept: Option<usize>,
) -> Recovered {
    let mut parser = new_parser();
    let mut text = input.to_owned();
    let mut problems: Vec<SyntaxProblem> = Vec::new();
    let mut blanked: BTreeSet<usize> = BTreeSet::new();
    let mut skipped: Vec<TextRange> = Vec::new();
    let mut blamed_for: BTreeSet<usize> = BTreeSet::new();
    // Lines nested deeper than the scanner can carry would derail the parse of every
    // line after them, far from the cause: blank them before the first parse.
    for line in too_deep_lines(input) {
        let start = first_content_in(input.as_bytes(), line.start, line.end).unwrap_or(line.start);
        problems.push(SyntaxProblem {
            kind: ProblemKind::Limit,
            range: TextRange::new(start, trim_end(input.as_bytes(), start, line.end)),
            message: format!(
                "this line nests {} sequences: ddia reads at most {MAX_BLOCK_NESTING} levels of block nesting and skips the line",
                compact_markers(&input[line.as_range()])
            ),
            related: None,
        });
        blanked.insert(line.start);
        skipped.push(line);
        blank(&mut text, line);
    }
    // YAML forbids control characters (a NUL makes the scanner stop as if the text
    // ended there): each becomes a space, and the first few are reported.
    let controls = replace_control_characters(&mut text, &mut problems);
    // The previous tree (edited to this text) is reused only when nothing was
    // blanked or replaced: its tokens were scanned from the text as the editor has it.
    let pristine = blanked.is_empty() && controls == 0;
    let old = previous.filter(|_| pristine);
    let mut tree = parse_text(&mut parser, &text, old);
    if old.is_some() && tree.root_node().has_error() {
        // Tree-sitter's error recovery can place errors differently when it reuses
        // subtrees (found by fuzzing), and findings must not depend on the editing
        // history: a text with errors is parsed afresh, as the rounds below do anyway
        // (the first tree goes first: one whole tree at a time).
        drop(tree);
        tree = parse_text(&mut parser, &text, None);
    }
    // A tree with errors is never reused (see above), and keeping it would hold a
    // second tree through the rounds.
    let reusable = (pristine && !tree.root_node().has_error()).then(|| tree.clone());

    // Only the first error of each round is trusted: the ones after it are often
    // consequences of it, and vanish once its line is blanked.
    let rounds = (ROUNDS_BUDGET_BYTES / input.len().max(1)).clamp(MIN_ROUNDS, MAX_ROUNDS);
    // A round re-parses only around the lines it blanked, reusing the rest of the
    // tree, when no line can nest deeper than the scanner's state carries between
    // tokens: a truncated state in a reused token would misparse what follows it.
    let incremental = tree.root_node().has_error() && deepest_column(&text) < MAX_BLOCK_NESTING / 4;
    for _ in 0..rounds {
        if !tree.root_node().has_error() {
            break;
        }
        let Some(site) = error_sites(&tree, &text, input, &blamed_for)
            .into_iter()
            .min_by_key(|site| (site.report.start, site.report.end))
        else {
            break;
        };
        if let Some((error, _)) = &site.related {
            // Blamed once: if blanking the culprit does not mend it, the error's own
            // line is blamed next time (a culprit per round could walk up the file).
            blamed_for.insert(error.start);
        }
        let site = match kept {
            Some(kept) => spare_kept_lines(site, &text, input, kept),
            None => site,
        };
        if !problems.iter().any(|p| p.range == site.report) {
            problems.push(SyntaxProblem {
                kind: site.kind,
                range: site.report,
                message: site.message,
                related: site.related,
            });
        }
        let Some(range) = site.blank.filter(|range| blanked.insert(range.start)) else {
            break;
        };
        skipped.push(range);
        blank(&mut text, range);
        if incremental {
            // Blanking keeps every byte and line break where it was.
            let start = super::ts_point(&text, range.start);
            let end = super::ts_point(&text, range.end);
            tree.edit(&tree_sitter::InputEdit {
                start_byte: range.start,
                old_end_byte: range.end,
                new_end_byte: range.end,
                start_position: start,
                old_end_position: end,
                new_end_position: end,
            });
            tree = parse_text(&mut parser, &text, Some(&tree));
            if cfg!(debug_assertions) && text.len() < 64 * 1024 {
                let fresh = parse_text(&mut parser, &text, None);
                debug_assert_eq!(
                    tree.root_node().to_sexp(),
                    fresh.root_node().to_sexp(),
                    "an incremental round differs from a fresh parse of {text:?}"
                );
            }
        } else {
            // The old tree goes before the new one is built: one whole tree at a time.
            drop(tree);
            tree = parse_text(&mut parser, &text, None);
        }
    }
    Recovered {
        text,
        tree,
        problems,
        skipped,
        reusable,
    }
}

/// `site` with its blanked lines and report moved past `kept` when they start before
/// it: from the first line with content at or after `kept` that the site covered.
/// Unchanged when nothing it covered lies after `kept`.
fn spare_kept_lines(site: ErrorSite, text: &str, original: &str, kept: usize) -> ErrorSite {
    let Some(blank) = site.blank.filter(|blank| blank.start < kept) else {
        return site;
    };
    let bytes = text.as_bytes();
    let mut line = kept;
    let first = loop {
        if line >= blank.end {
            return site;
        }
        let bounds = line_bounds(bytes, line);
        if let Some(content) = first_content_in(bytes, bounds.start, bounds.end)
            && bytes[content] != b'#'
        {
            break bounds;
        }
        line = bounds.end + 1;
    };
    let lines = TextRange::new(first.start, blank.end);
    let start = first_content_in(bytes, first.start, first.end).unwrap_or(first.start);
    let report = TextRange::new(start, trim_end(bytes, first.start, first.end));
    let (kind, message) = describe(original, report, first);
    ErrorSite {
        kind,
        report,
        message,
        blank: Some(lines),
        related: None,
    }
}

fn parse_text(parser: &mut tree_sitter::Parser, text: &str, old: Option<&Tree>) -> Tree {
    match parser.parse(text, old) {
        Some(tree) => tree,
        // Only a cancellation or timeout makes tree-sitter return nothing, and none is
        // set; parse without the old tree rather than give up.
        None => {
            parser.reset();
            parser
                .parse(text, None)
                .expect("tree-sitter parses when no timeout or cancellation flag is set")
        }
    }
}

/// Replaces every byte of `range` except line breaks with a space.
fn blank(text: &mut String, range: TextRange) {
    let replaced: String = text[range.as_range()]
        .chars()
        .flat_map(|ch| {
            let width = if ch == '\n' || ch == '\r' {
                0
            } else {
                ch.len_utf8()
            };
            let keep = (width == 0).then_some(ch);
            keep.into_iter().chain(std::iter::repeat_n(' ', width))
        })
        .collect();
    debug_assert_eq!(replaced.len(), range.len());
    text.replace_range(range.as_range(), &replaced);
}

/// Finds the error and missing nodes of the tree, without recursion.
fn error_sites(
    tree: &Tree,
    text: &str,
    original: &str,
    blamed_for: &BTreeSet<usize>,
) -> Vec<ErrorSite> {
    let mut sites = Vec::new();
    let root = tree.root_node();
    let mut cursor = root.walk();
    'walk: loop {
        let node = cursor.node();
        let mut descend = node.has_error();
        if node.is_error() {
            sites.push(site_for_error(node, root, text, original, blamed_for));
            descend = false;
        } else if node.is_missing() {
            let at = node.start_byte();
            sites.push(ErrorSite {
                kind: ProblemKind::Syntax,
                report: TextRange::empty(at),
                message: format!("invalid YAML: missing `{}`", node.kind()),
                blank: None,
                related: None,
            });
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    sites
}

/// `blamed_for` lists the errors (where they start) that another line was already
/// blamed for ([`dedent_culprit`]): they are blamed on themselves.
fn site_for_error(
    error: Node<'_>,
    root: Node<'_>,
    text: &str,
    original: &str,
    blamed_for: &BTreeSet<usize>,
) -> ErrorSite {
    let bytes = text.as_bytes();
    // An error swallows the rest of the file when it is the root, or the last child
    // of the root with unparsed content after it.
    let is_root = error.id() == root.id();
    let swallowing = is_root
        || (error.next_sibling().is_none()
            && error
                .parent()
                .is_some_and(|parent| parent.id() == root.id())
            && next_content(bytes, error.end_byte()).is_some());
    let offending = if swallowing {
        next_content(bytes, error.end_byte())
    } else {
        None
    };
    let (report, lines) = match offending {
        Some(at) => {
            let line = line_bounds(bytes, at);
            (
                TextRange::new(at, trim_end(bytes, line.start, line.end)),
                line,
            )
        }
        None if is_root => {
            // The error runs to the end: blame its last line with content.
            let end = trim_end(bytes, error.start_byte(), error.end_byte());
            let at = end.saturating_sub(1).max(error.start_byte());
            let line = line_bounds(bytes, at);
            let start = first_content_in(bytes, line.start, line.end).unwrap_or(line.start);
            (
                TextRange::new(start, trim_end(bytes, line.start, line.end)),
                line,
            )
        }
        None => {
            let first = line_bounds(bytes, error.start_byte());
            let last = line_bounds(
                bytes,
                error.end_byte().saturating_sub(1).max(error.start_byte()),
            );
            let report =
                TextRange::new(error.start_byte(), error.end_byte().max(error.start_byte()));
            (report, TextRange::new(first.start, last.end))
        }
    };
    if !blamed_for.contains(&report.start)
        && let Some(site) = dedent_culprit(bytes, report, lines)
    {
        return site;
    }
    let (kind, message) = describe(original, report, lines);
    let blank = with_block_below(bytes, lines);
    ErrorSite {
        kind,
        report,
        message,
        blank: (!blank.is_empty()).then_some(blank),
        related: None,
    }
}

/// The line that broke a block, when the error on `lines` is a line indented to go
/// on with a block that an earlier, less indented line ended: in
///
/// ```yaml
///   cache-a:
///     driver: local
///   cache-b
/// e:                  # a line break typed inside `cache-be:`
///     driver: local
///   cache-c:          # the error: no open block is indented 2 spaces
/// ```
///
/// the error is on `cache-c:`, and so would be every later sibling of it, one round
/// each; the line to blame is `e:`, whose own block (the lines between) is indented
/// deeper than the error's line, and above which the block it ended has a line at the
/// error's indentation: it is blanked with its block. `None` when the lines above do
/// not look so.
fn dedent_culprit(bytes: &[u8], report: TextRange, lines: TextRange) -> Option<ErrorSite> {
    let indent = |line: TextRange| {
        first_content_in(bytes, line.start, line.end)
            .filter(|&first| bytes[first] != b'#')
            .map(|first| first - line.start)
    };
    let error_indent = indent(lines)?;
    if report.start != lines.start + error_indent {
        return None;
    }
    // The lines above with content, nearest first (blank, comment and blanked lines
    // skipped).
    let mut above = std::iter::successors(Some(lines), |line| {
        (line.start > 0).then(|| line_bounds(bytes, line.start - 1))
    })
    .skip(1)
    .filter_map(|line| indent(line).map(|column| (line, column)));
    // Past the culprit's block, indented deeper than the error's line: it has one
    // (else the error's line would be the block it opens).
    let mut block = 0;
    let (culprit, culprit_indent) = above.find(|&(_, column)| {
        block += usize::from(column > error_indent);
        column <= error_indent
    })?;
    if culprit_indent == error_indent || block == 0 {
        return None;
    }
    // The block it ended had a line at the error's indentation: the error's line
    // goes on with that block (else the error's line is itself mis-indented).
    let (_, ended_indent) = above.find(|&(_, column)| column <= error_indent)?;
    if ended_indent != error_indent {
        return None;
    }
    let start = culprit.start + culprit_indent;
    let end = trim_end(bytes, start, culprit.end);
    // No line numbers in the messages: a region is parsed alone, with offsets of its
    // own; the related place points at the other line. A line at column 0 is told
    // what the editor's region path tells it (`region::reparse_dedented_line`), so
    // one typo reads the same in `ddia check` and while typing.
    let message = if culprit_indent == 0 {
        DEDENTED_LINE.to_owned()
    } else {
        format!(
            "invalid YAML: this line ends the block above it, but a line below goes on with that block's indentation ({error_indent} spaces)"
        )
    };
    Some(ErrorSite {
        kind: ProblemKind::Syntax,
        report: TextRange::new(start, end),
        message,
        // Its block goes with it: left, it would hang under the line above.
        blank: Some(TextRange::new(culprit.start, lines.start)),
        related: Some((
            report,
            "indented for the block that an earlier line ended".to_owned(),
        )),
    })
}

/// What a line that starts at column 0 inside a nested block is told.
pub(super) const DEDENTED_LINE: &str = "invalid YAML: this line starts at column 0 inside an indented block, so it ends every block above it and the lines below it are indented for blocks that no longer exist; indent it, or make it a comment";

/// The lines to blank for an error on `lines`: those lines, and when they are
/// indented deeper than the line with content above them although that line opens
/// nothing (it has its value: `key: value`, a scalar), every line below indented
/// deeper than it too. Those lines hang under a value that cannot hold them; each
/// would be the next round's error, and a large file would be parsed again once per
/// line.
fn with_block_below(bytes: &[u8], lines: TextRange) -> TextRange {
    let Some(content) = first_content_in(bytes, lines.start, lines.end) else {
        return lines;
    };
    let indent = content - lines.start;
    // The line with content above (blank lines, comments and blanked lines skipped).
    let mut at = lines.start;
    let above = loop {
        if at == 0 {
            return lines;
        }
        let line = line_bounds(bytes, at - 1);
        at = line.start;
        match first_content_in(bytes, line.start, line.end) {
            Some(first) if bytes[first] != b'#' => break (line, first - line.start),
            _ => continue,
        }
    };
    let (above, above_indent) = above;
    if indent <= above_indent {
        return lines;
    }
    // A line that opens a block, a sequence item or a flow collection may have
    // deeper lines below.
    let text = &bytes[above.start..above.end];
    let code = match memchr::memmem::find(text, b" #") {
        Some(comment) => &text[..comment],
        None => text,
    };
    let code = code.trim_ascii_end();
    let opens = code.ends_with(b":")
        || code.ends_with(b"-")
        || matches!(code.last(), Some(b'|' | b'>' | b'[' | b'{' | b',' | b'?'))
        || code.ends_with(b"|-")
        || code.ends_with(b"|+")
        || code.ends_with(b">-")
        || code.ends_with(b">+")
        || code.trim_ascii_start().starts_with(b"- ")
        || code.trim_ascii_start().starts_with(b"? ");
    if opens {
        return lines;
    }
    TextRange::new(lines.start, block_end(bytes, lines.end, above_indent + 1))
}

/// The end of the last line, from the one that starts after `from`, that belongs to a
/// block indented `indent` spaces: blank and comment lines, and lines whose content
/// is indented at least as deep, up to the first line with less indentation.
fn block_end(bytes: &[u8], from: usize, indent: usize) -> usize {
    let mut end = from;
    let mut at = from;
    while at < bytes.len() {
        // Past the line break.
        at += if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        let line = line_bounds(bytes, at);
        match first_content_in(bytes, line.start, line.end) {
            Some(content) if bytes[content] != b'#' && content - line.start < indent => break,
            Some(content) if bytes[content] != b'#' => end = line.end,
            _ => {}
        }
        at = line.end;
    }
    end
}

/// The offset of the first byte at or after `from` that is not white space.
fn next_content(bytes: &[u8], from: usize) -> Option<usize> {
    (from..bytes.len()).find(|&i| !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r'))
}

fn first_content_in(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    (start..end).find(|&i| !matches!(bytes[i], b' ' | b'\t'))
}

pub(super) fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && matches!(bytes[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
        end -= 1;
    }
    end
}

/// The range of the line around `at`, without its line break.
fn line_bounds(bytes: &[u8], at: usize) -> TextRange {
    let at = at.min(bytes.len());
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |i| at + i);
    TextRange::new(start, end)
}

/// The lines that open more nested block sequences (`- - - x`) than the scanner
/// can carry.
fn too_deep_lines(text: &str) -> Vec<TextRange> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (index, byte) in text
        .bytes()
        .enumerate()
        .chain(std::iter::once((text.len(), b'\n')))
    {
        if byte == b'\n' || byte == b'\r' {
            if index > start && compact_markers(&text[start..index]) > MAX_BLOCK_NESTING / 2 {
                lines.push(TextRange::new(start, index));
            }
            start = index + 1;
        }
    }
    lines
}

/// The deepest column where a line's content starts, past its indentation and its
/// compact markers (`- `, `? `): every block level nests at least one column deeper,
/// so no line nests deeper than this.
fn deepest_column(text: &str) -> usize {
    text.split(['\n', '\r'])
        .map(|line| line.len() - line.trim_start_matches([' ', '-', '?', '\t']).len())
        .max()
        .unwrap_or(0)
}

/// How many compact sequence markers (`- - - x`) start a line.
fn compact_markers(line: &str) -> usize {
    let mut rest = line.trim_start_matches(' ');
    let mut markers = 0;
    while let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
        markers += 1;
        rest = after.trim_start_matches(' ');
    }
    markers
}

/// A kind and message for the mistake at `report`, from the original text of its lines.
fn describe(original: &str, report: TextRange, lines: TextRange) -> (ProblemKind, String) {
    (
        ProblemKind::Syntax,
        describe_syntax(original, report, lines),
    )
}

fn describe_syntax(original: &str, report: TextRange, lines: TextRange) -> String {
    let line_text = original.get(lines.as_range()).unwrap_or("");
    let reported = original.get(report.as_range()).unwrap_or("");
    let indentation: &str = &line_text[..line_text.len() - line_text.trim_start().len()];
    if indentation.contains('\t') {
        return "invalid YAML: a tab character in indentation (YAML indents with spaces only)"
            .to_owned();
    }
    if let Some(position) = reported.find('*') {
        let after = &reported[position + 1..];
        if after.is_empty() || after.starts_with([' ', ',', ']', '}']) {
            return "invalid YAML: an alias `*` needs an anchor name".to_owned();
        }
    }
    let opened = reported.matches(['[', '{']).count();
    let closed = reported.matches([']', '}']).count();
    if opened > closed {
        let bracket = if reported.rfind('[') > reported.rfind('{') {
            "flow sequence `[`"
        } else {
            "flow mapping `{`"
        };
        return format!("invalid YAML: unclosed {bracket}");
    }
    if report.start > lines.start
        && original.as_bytes()[lines.start..report.start]
            .iter()
            .all(|&b| b == b' ')
        && report.start == lines.start + indentation.len()
        && !indentation.is_empty()
    {
        return format!(
            "invalid YAML: unexpected indentation of {} spaces",
            indentation.len()
        );
    }
    let token: String = reported
        .split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .take(24)
        .collect();
    if token.is_empty() {
        "invalid YAML".to_owned()
    } else {
        format!("invalid YAML: unexpected `{token}`")
    }
}

/// How many control characters are reported one by one; the rest are counted.
const MAX_REPORTED_CONTROLS: usize = 10;

/// Replaces the control characters YAML does not allow (C0 controls other than tab,
/// line feed and carriage return, and DEL) with spaces, reporting the first few and
/// then how many more there were. Returns how many were replaced.
fn replace_control_characters(text: &mut String, problems: &mut Vec<SyntaxProblem>) -> usize {
    let is_control =
        |byte: u8| (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r')) || byte == 0x7F;
    if !text.bytes().any(is_control) {
        return 0;
    }
    let mut bytes = std::mem::take(text).into_bytes();
    let mut replaced = 0;
    let mut last_reported = 0;
    for (at, slot) in bytes.iter_mut().enumerate() {
        let byte = *slot;
        if !is_control(byte) {
            continue;
        }
        replaced += 1;
        if replaced <= MAX_REPORTED_CONTROLS {
            let name = match byte {
                0x00 => " (NUL)",
                0x1B => " (ESC)",
                0x7F => " (DEL)",
                _ => "",
            };
            problems.push(SyntaxProblem {
                kind: ProblemKind::Syntax,
                range: TextRange::new(at, at + 1),
                message: format!(
                    "the control character U+{byte:04X}{name} is not allowed in YAML; is this a binary or corrupted file?"
                ),
                related: None,
            });
            last_reported = at;
        }
        // ASCII for ASCII: the text stays valid UTF-8 with the same offsets.
        *slot = b' ';
    }
    if replaced > MAX_REPORTED_CONTROLS {
        problems.push(SyntaxProblem {
            kind: ProblemKind::Syntax,
            range: TextRange::new(last_reported, last_reported + 1),
            message: format!(
                "{} more control characters after this one are not allowed in YAML either",
                replaced - MAX_REPORTED_CONTROLS
            ),
            related: None,
        });
    }
    *text = String::from_utf8(bytes).expect("replacing ASCII bytes with ASCII keeps UTF-8 valid");
    replaced
}
