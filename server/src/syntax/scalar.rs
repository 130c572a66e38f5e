//! Decodes scalar source text: core-schema typing, unquoting, unescaping and folding.

use super::yaml::{Scalar, ScalarStyle, ScalarValue};

/// Decodes a plain scalar and types it with the YAML 1.2 core schema.
pub fn plain(source: &str) -> Scalar {
    let text = fold_lines(source, false);
    let value = if source.contains(['\n', '\r']) {
        ScalarValue::String
    } else {
        core_schema_value(&text)
    };
    Scalar {
        text,
        value,
        style: ScalarStyle::Plain,
    }
}

/// Applies a node's tag to its scalar: `!!str 3` is the string "3", not the number.
/// Other tags leave the core schema's reading.
pub fn apply_tag(scalar: &mut Scalar, tag: Option<&str>) {
    if matches!(tag, Some("!!str" | "tag:yaml.org,2002:str")) {
        scalar.value = ScalarValue::String;
    }
}

/// The YAML 1.2 core-schema value of a plain scalar's text.
pub fn core_schema_value(text: &str) -> ScalarValue {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarValue::Null,
        "true" | "True" | "TRUE" => return ScalarValue::Bool(true),
        "false" | "False" | "FALSE" => return ScalarValue::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return ScalarValue::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return ScalarValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return ScalarValue::Float(f64::NAN),
        _ => {}
    }
    if let Some(octal) = text.strip_prefix("0o") {
        if !octal.is_empty() && octal.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return i64::from_str_radix(octal, 8)
                .map(ScalarValue::Int)
                .unwrap_or(ScalarValue::String);
        }
        return ScalarValue::String;
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return i64::from_str_radix(hex, 16)
                .map(ScalarValue::Int)
                .unwrap_or(ScalarValue::String);
        }
        return ScalarValue::String;
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // Integers too large for i64 stay numbers, as floats.
        return text
            .parse::<i64>()
            .map(ScalarValue::Int)
            .or_else(|_| text.parse::<f64>().map(ScalarValue::Float))
            .unwrap_or(ScalarValue::String);
    }
    if is_core_float(digits) {
        return text
            .parse::<f64>()
            .map(ScalarValue::Float)
            .unwrap_or(ScalarValue::String);
    }
    ScalarValue::String
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` without the sign.
fn is_core_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    let int_digits = count_digits(&bytes[i..]);
    i += int_digits;
    let mut fraction_digits = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        fraction_digits = count_digits(&bytes[i..]);
        i += fraction_digits;
    }
    if int_digits == 0 && fraction_digits == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exponent_digits = count_digits(&bytes[i..]);
        if exponent_digits == 0 {
            return false;
        }
        i += exponent_digits;
    }
    i == bytes.len()
}

fn count_digits(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// Decodes a single-quoted scalar (`'it''s'`), quotes included in `source`.
pub fn single_quoted(source: &str) -> Scalar {
    let inner = strip_quotes(source, '\'');
    let folded = fold_lines(inner, true);
    Scalar {
        text: folded.replace("''", "'"),
        value: ScalarValue::String,
        style: ScalarStyle::SingleQuoted,
    }
}

/// Decodes a double-quoted scalar with its escapes, quotes included in `source`.
pub fn double_quoted(source: &str) -> Scalar {
    let inner = strip_quotes(source, '"');
    Scalar {
        text: unescape_double_quoted(inner),
        value: ScalarValue::String,
        style: ScalarStyle::DoubleQuoted,
    }
}

fn strip_quotes(source: &str, quote: char) -> &str {
    let inner = source.strip_prefix(quote).unwrap_or(source);
    inner.strip_suffix(quote).unwrap_or(inner)
}

/// Splits into lines at `\n`, `\r\n` or `\r`.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    lines.push(&text[start..]);
    lines
}

/// Line folding of flow scalars: a single line break becomes a space, each further
/// empty line a newline; leading and trailing white space of inner lines is dropped.
fn fold_lines(text: &str, quoted: bool) -> String {
    if !text.contains(['\n', '\r']) {
        // Only spaces and tabs are white space in YAML: a no-break space is content.
        return if quoted {
            text.to_owned()
        } else {
            text.trim_matches([' ', '\t']).to_owned()
        };
    }
    let lines = split_lines(text);
    let last = lines.len() - 1;
    let mut out = String::with_capacity(text.len());
    let mut pending_breaks = 0usize;
    for (index, line) in lines.iter().enumerate() {
        let mut part: &str = line;
        if index > 0 {
            part = part.trim_start_matches([' ', '\t']);
        }
        if index < last {
            part = part.trim_end_matches([' ', '\t']);
        }
        if !quoted && index == 0 {
            part = part.trim_start_matches([' ', '\t']);
        }
        if part.is_empty() && index > 0 && index < last {
            pending_breaks += 1;
            continue;
        }
        if index > 0 {
            if pending_breaks == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', pending_breaks));
            }
        }
        pending_breaks = 0;
        out.push_str(part);
    }
    if quoted { out } else { out.trim().to_owned() }
}

fn unescape_double_quoted(inner: &str) -> String {
    // Fold first, but an escaped line break (`\` at the end of a line) joins lines
    // without a space, so handle line structure and escapes in one pass.
    let lines = split_lines(inner);
    let last = lines.len() - 1;
    let mut out = String::with_capacity(inner.len());
    let mut pending_breaks = 0usize;
    let mut joined_by_escape = false;
    for (index, raw) in lines.iter().enumerate() {
        let mut line: &str = raw;
        if index > 0 {
            line = line.trim_start_matches([' ', '\t']);
        }
        let escaped_break = index < last && ends_with_unescaped_backslash(line);
        if index < last && !escaped_break {
            line = line.trim_end_matches([' ', '\t']);
        }
        if line.is_empty() && index > 0 && index < last {
            pending_breaks += 1;
            continue;
        }
        if index > 0 && !joined_by_escape {
            if pending_breaks == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', pending_breaks));
            }
        } else if index > 0 && pending_breaks > 0 {
            out.extend(std::iter::repeat_n('\n', pending_breaks));
        }
        pending_breaks = 0;
        let body = if escaped_break {
            &line[..line.len() - 1]
        } else {
            line
        };
        unescape_into(body, &mut out);
        joined_by_escape = escaped_break;
    }
    out
}

fn ends_with_unescaped_backslash(line: &str) -> bool {
    let trailing = line.bytes().rev().take_while(|&b| b == b'\\').count();
    !trailing.is_multiple_of(2)
}

fn unescape_into(text: &str, out: &mut String) {
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        let Some(escape) = chars.next() else {
            out.push('\\');
            break;
        };
        let simple = match escape {
            '0' => Some('\0'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            't' | '\t' => Some('\t'),
            'n' => Some('\n'),
            'v' => Some('\u{b}'),
            'f' => Some('\u{c}'),
            'r' => Some('\r'),
            'e' => Some('\u{1b}'),
            ' ' => Some(' '),
            '"' => Some('"'),
            '/' => Some('/'),
            '\\' => Some('\\'),
            'N' => Some('\u{85}'),
            '_' => Some('\u{a0}'),
            'L' => Some('\u{2028}'),
            'P' => Some('\u{2029}'),
            _ => None,
        };
        if let Some(decoded) = simple {
            out.push(decoded);
            continue;
        }
        let digits = match escape {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            other => {
                // An unknown escape is kept as written.
                out.push('\\');
                out.push(other);
                continue;
            }
        };
        let hex: String = chars.clone().take(digits).collect();
        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
            Some(decoded) if hex.len() == digits => {
                out.push(decoded);
                for _ in 0..digits {
                    chars.next();
                }
            }
            _ => {
                out.push('\\');
                out.push(escape);
            }
        }
    }
}

/// Decodes a block scalar (`|` or `>` with its header) written at `source`.
/// `line_indent` is the indentation of the line holding the header, used with an
/// explicit indentation indicator.
pub fn block(source: &str, line_indent: usize) -> Scalar {
    let mut lines = split_lines(source);
    if lines.len() > 1 && source.ends_with(['\n', '\r']) {
        // The empty piece after the final line break is not a line.
        lines.pop();
    }
    let header = lines.first().copied().unwrap_or("");
    let header = header.split(" #").next().unwrap_or(header).trim();
    let literal = !header.starts_with('>');
    let mut chomping = Chomping::Clip;
    let mut explicit_indent = None;
    for ch in header.chars().skip(1) {
        match ch {
            '-' => chomping = Chomping::Strip,
            '+' => chomping = Chomping::Keep,
            '1'..='9' => explicit_indent = ch.to_digit(10).map(|d| d as usize),
            _ => {}
        }
    }
    let body = &lines[1.min(lines.len())..];
    let indent = explicit_indent
        .map(|extra| line_indent + extra)
        .unwrap_or_else(|| {
            body.iter()
                .find(|line| !line.trim().is_empty())
                .map(|line| line.len() - line.trim_start_matches(' ').len())
                .unwrap_or(0)
        });
    let content: Vec<&str> = body
        .iter()
        .map(|line| {
            if line.len() >= indent && line.is_char_boundary(indent) {
                &line[indent..]
            } else {
                line.trim_start_matches(' ')
            }
        })
        .collect();
    // Separate trailing empty lines for chomping.
    let mut end = content.len();
    while end > 0 && content[end - 1].trim().is_empty() {
        end -= 1;
    }
    let trailing_breaks = content.len() - end;
    let kept = &content[..end];
    let mut text = String::new();
    if literal {
        text = kept.join("\n");
    } else {
        // A single line break between two ordinary lines folds to a space; each
        // empty line between them stands for one newline; lines indented further
        // than the block keep their breaks.
        let mut previous: Option<&str> = None;
        let mut empty_lines = 0usize;
        for line in kept {
            if line.is_empty() {
                empty_lines += 1;
                continue;
            }
            if let Some(previous) = previous {
                let more_indented =
                    line.starts_with([' ', '\t']) || previous.starts_with([' ', '\t']);
                let breaks = empty_lines + usize::from(more_indented);
                if breaks == 0 {
                    text.push(' ');
                } else {
                    text.extend(std::iter::repeat_n('\n', breaks));
                }
            } else {
                text.extend(std::iter::repeat_n('\n', empty_lines));
            }
            empty_lines = 0;
            text.push_str(line);
            previous = Some(line);
        }
    }
    if !kept.is_empty() {
        match chomping {
            Chomping::Strip => {}
            Chomping::Clip => text.push('\n'),
            Chomping::Keep => {
                text.push('\n');
                text.extend(std::iter::repeat_n('\n', trailing_breaks));
            }
        }
    }
    Scalar {
        text,
        value: ScalarValue::String,
        style: if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        },
    }
}

#[derive(Clone, Copy)]
enum Chomping {
    Strip,
    Clip,
    Keep,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema_types() {
        assert_eq!(core_schema_value("~"), ScalarValue::Null);
        assert_eq!(core_schema_value(""), ScalarValue::Null);
        assert_eq!(core_schema_value("True"), ScalarValue::Bool(true));
        assert_eq!(core_schema_value("yes"), ScalarValue::String);
        assert_eq!(core_schema_value("-12"), ScalarValue::Int(-12));
        assert_eq!(core_schema_value("0o17"), ScalarValue::Int(15));
        assert_eq!(core_schema_value("0x1F"), ScalarValue::Int(31));
        assert_eq!(core_schema_value("1.5e3"), ScalarValue::Float(1500.0));
        assert_eq!(core_schema_value(".5"), ScalarValue::Float(0.5));
        assert_eq!(
            core_schema_value("-.inf"),
            ScalarValue::Float(f64::NEG_INFINITY)
        );
        assert!(matches!(core_schema_value(".nan"), ScalarValue::Float(f) if f.is_nan()));
        assert_eq!(core_schema_value("250ms"), ScalarValue::String);
        assert_eq!(core_schema_value("1.2.3"), ScalarValue::String);
        assert_eq!(core_schema_value("e3"), ScalarValue::String);
    }

    #[test]
    fn quoted_scalars() {
        assert_eq!(single_quoted("'it''s'").text, "it's");
        assert_eq!(double_quoted(r#""a\tb\"c\u00e9\x41""#).text, "a\tb\"céA");
        assert_eq!(
            double_quoted("\"one\n  two\n\n  three\"").text,
            "one two\nthree"
        );
        assert_eq!(double_quoted("\"join\\\n   ed\"").text, "joined");
        assert_eq!(double_quoted(r#""bad \q""#).text, "bad \\q");
    }

    #[test]
    fn plain_multiline_folds() {
        let scalar = plain("first\n    second\n\n    third");
        assert_eq!(scalar.text, "first second\nthird");
        assert_eq!(scalar.value, ScalarValue::String);
    }

    #[test]
    fn block_scalars() {
        assert_eq!(block("|\n  a\n   b\n  c\n", 0).text, "a\n b\nc\n");
        assert_eq!(block("|-\n  a\n  b", 0).text, "a\nb");
        assert_eq!(
            block(">\n  one\n  two\n\n  three\n", 0).text,
            "one two\nthree\n"
        );
        assert_eq!(block("|+\n  a\n\n", 0).text, "a\n\n");
        assert_eq!(block(">\n  a\n\n\n\n\n  b\n", 0).text, "a\n\n\n\nb\n");
        assert_eq!(block(">\n  a\n    code\n  b\n", 0).text, "a\n  code\nb\n");
        assert_eq!(block("|2\n    x\n", 0).text, "  x\n");
    }
}
