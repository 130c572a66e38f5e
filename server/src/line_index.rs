//! Converts byte offsets to lines and columns (UTF-8, UTF-16 or Unicode scalars) and back.
//!
//! This is the one place where columns are computed. Lines end at `\n`, `\r\n` or a
//! lone `\r`, as in YAML and the Language Server Protocol. Lines and columns are
//! 0-based here; the CLI adds one when it prints them.

use crate::text::TextRange;

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnEncoding {
    /// Bytes of UTF-8 (LSP `utf-8`).
    Utf8,
    /// UTF-16 code units (LSP `utf-16`, the protocol's default).
    Utf16,
    /// Unicode scalar values (LSP `utf-32`; the CLI's JSON output).
    Scalar,
}

/// A 0-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// A character that is more than one byte long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    /// Byte offset of the character.
    offset: usize,
    len_utf8: usize,
    len_utf16: usize,
}

/// What [`scan`] found in part of a text.
#[derive(Default)]
struct Scanned {
    /// The start of each line after a line break found.
    line_starts: Vec<usize>,
    /// The offset of each line break found.
    line_ends: Vec<usize>,
    wide_chars: Vec<WideChar>,
}

/// Finds the line breaks and non-ASCII characters of `text[from..to]`. `from` must be
/// a line start; `to` must not fall inside a character or a `\r\n`.
fn scan(text: &str, from: usize, to: usize, found: &mut Scanned) {
    let bytes = text.as_bytes();
    let mut offset = from;
    while offset < to {
        let next = memchr::memchr2(b'\n', b'\r', &bytes[offset..to]).map_or(to, |at| offset + at);
        let segment = &text[offset..next];
        if !segment.is_ascii() {
            for (at, ch) in segment.char_indices() {
                if !ch.is_ascii() {
                    found.wide_chars.push(WideChar {
                        offset: offset + at,
                        len_utf8: ch.len_utf8(),
                        len_utf16: ch.len_utf16(),
                    });
                }
            }
        }
        if next == to {
            break;
        }
        found.line_ends.push(next);
        offset = if bytes[next] == b'\r' && bytes.get(next + 1) == Some(&b'\n') {
            next + 2
        } else {
            next + 1
        };
        found.line_starts.push(offset);
    }
}

/// Line starts and the non-ASCII characters of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset at which each line starts; the first is always 0.
    line_starts: Vec<usize>,
    /// Byte offset at which each line's content ends (before its line break).
    line_ends: Vec<usize>,
    /// Every non-ASCII character, sorted by offset.
    wide_chars: Vec<WideChar>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut index = LineIndex {
            line_starts: vec![0],
            line_ends: Vec::new(),
            wide_chars: Vec::new(),
            len: text.len(),
        };
        let mut scanned = Scanned::default();
        scan(text, 0, text.len(), &mut scanned);
        index.line_starts.extend(scanned.line_starts);
        index.line_ends = scanned.line_ends;
        index.line_ends.push(text.len());
        index.wide_chars = scanned.wide_chars;
        index
    }

    /// Updates the index after `old_end - start` bytes at `start` were replaced by
    /// `new_len` bytes; `text` is the text after the edit. Only the lines around the
    /// edit are scanned again; the rest move by the change in length. The result is
    /// the index [`LineIndex::new`] would build for `text`.
    pub fn apply_edit(&mut self, text: &str, start: usize, old_end: usize, new_len: usize) {
        let old_len = self.len;
        let (start, old_end) = (
            start.min(old_len),
            old_end.clamp(start.min(old_len), old_len),
        );
        let new_end = start + new_len;
        if text.len() + (old_end - start) != old_len + new_len || !text.is_char_boundary(new_end) {
            *self = LineIndex::new(text);
            return;
        }
        let delta = new_len as isize - (old_end - start) as isize;
        let shift = |offset: usize| offset.wrapping_add_signed(delta);
        // From the start of the line before the edit's line: a `\r` that ends it may
        // pair with a `\n` the edit inserts.
        let first_line = self.line_of(start).saturating_sub(1);
        let scan_from = self.line_starts[first_line];
        // Up to an old line start at least two bytes after the edit: the line break
        // before it is made of bytes the edit did not touch, so it is found again.
        let resume_line = self
            .line_starts
            .partition_point(|&line_start| line_start < old_end + 2);
        let scan_to_old = self
            .line_starts
            .get(resume_line)
            .copied()
            .unwrap_or(old_len);
        let scan_to = shift(scan_to_old);
        let mut scanned = Scanned::default();
        scan(text, scan_from, scan_to, &mut scanned);
        // Lines `first_line..resume_line` were scanned again. When a line starts at
        // `scan_to`, the scan found it, and the lines after it only move; otherwise the
        // scan reached the end of the text, whose last line ends there. Spliced in
        // place: the lines after the edit are moved once and shifted where they are.
        let line_count = self.line_starts.len();
        let scanned_lines = scanned.line_starts.len();
        if resume_line < line_count {
            self.line_starts
                .splice(first_line + 1..=resume_line, scanned.line_starts);
            self.line_ends
                .splice(first_line..resume_line, scanned.line_ends);
            let moved = first_line + 1 + scanned_lines;
            for offset in &mut self.line_starts[moved..] {
                *offset = shift(*offset);
            }
            for offset in &mut self.line_ends[first_line + scanned_lines..] {
                *offset = shift(*offset);
            }
        } else {
            self.line_starts.truncate(first_line + 1);
            self.line_starts.extend(scanned.line_starts);
            self.line_ends.truncate(first_line);
            self.line_ends.extend(scanned.line_ends);
            self.line_ends.push(text.len());
        }
        // Wide characters: those in the scanned region are replaced.
        let before = self.wide_chars.partition_point(|c| c.offset < scan_from);
        let after = self.wide_chars.partition_point(|c| c.offset < scan_to_old);
        let scanned_wide = scanned.wide_chars.len();
        self.wide_chars.splice(before..after, scanned.wide_chars);
        for wide in &mut self.wide_chars[before + scanned_wide..] {
            wide.offset = shift(wide.offset);
        }
        self.len = text.len();
    }

    /// The number of lines (a text ending in a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte length of the indexed text.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The 0-based line that contains `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// The byte range of a line's content, without its line break.
    pub fn line_range(&self, line: usize) -> TextRange {
        let line = line.min(self.line_starts.len() - 1);
        TextRange::new(self.line_starts[line], self.line_ends[line])
    }

    /// The byte range of a line including its line break.
    pub fn line_range_full(&self, line: usize) -> TextRange {
        let line = line.min(self.line_starts.len() - 1);
        let end = self.line_starts.get(line + 1).copied().unwrap_or(self.len);
        TextRange::new(self.line_starts[line], end)
    }

    /// Converts a byte offset to a line and column in `encoding`.
    ///
    /// An offset inside a line break is placed at the end of the line's content; an
    /// offset inside a multi-byte character is placed at the character's start.
    pub fn line_col(&self, offset: usize, encoding: ColumnEncoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let offset = offset.min(self.line_ends[line]);
        let mut column = offset - start;
        if encoding != ColumnEncoding::Utf8 {
            let first = self.wide_chars.partition_point(|c| c.offset < start);
            for wide in &self.wide_chars[first..] {
                if wide.offset >= offset {
                    break;
                }
                let char_end = wide.offset + wide.len_utf8;
                if char_end > offset {
                    // The offset falls inside this character: snap to its start.
                    column -= offset - wide.offset;
                    break;
                }
                let units = match encoding {
                    ColumnEncoding::Utf16 => wide.len_utf16,
                    _ => 1,
                };
                column = column - wide.len_utf8 + units;
            }
        }
        LineCol { line, column }
    }

    /// Converts a line and column in `encoding` back to a byte offset.
    ///
    /// A line past the end gives the end of the text; a column past the end of its
    /// line gives the end of the line's content; a column inside a character (half
    /// of a surrogate pair) gives the character's start.
    pub fn offset(&self, position: LineCol, encoding: ColumnEncoding) -> usize {
        if position.line >= self.line_starts.len() {
            return self.len;
        }
        let start = self.line_starts[position.line];
        let end = self.line_ends[position.line];
        let first = self.wide_chars.partition_point(|c| c.offset < start);
        let mut offset = start;
        let mut remaining = position.column;
        let mut wide_chars = self.wide_chars[first..].iter().peekable();
        while offset < end && remaining > 0 {
            match wide_chars.peek() {
                Some(wide) if wide.offset == offset => {
                    let units = match encoding {
                        ColumnEncoding::Utf8 => wide.len_utf8,
                        ColumnEncoding::Utf16 => wide.len_utf16,
                        ColumnEncoding::Scalar => 1,
                    };
                    if units > remaining {
                        break;
                    }
                    remaining -= units;
                    offset += wide.len_utf8;
                    wide_chars.next();
                }
                Some(wide) => {
                    // A run of ASCII up to the next wide character (or the line end).
                    let ascii = (wide.offset.min(end) - offset).min(remaining);
                    offset += ascii;
                    remaining -= ascii;
                }
                None => {
                    let ascii = (end - offset).min(remaining);
                    offset += ascii;
                    remaining -= ascii;
                }
            }
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str, offset: usize) -> (LineCol, LineCol, LineCol) {
        let index = LineIndex::new(text);
        (
            index.line_col(offset, ColumnEncoding::Utf8),
            index.line_col(offset, ColumnEncoding::Utf16),
            index.line_col(offset, ColumnEncoding::Scalar),
        )
    }

    fn lc(line: usize, column: usize) -> LineCol {
        LineCol { line, column }
    }

    #[test]
    fn ascii_lines() {
        let text = "a: 1\nbb: 2\n";
        assert_eq!(all(text, 0).0, lc(0, 0));
        assert_eq!(all(text, 5).0, lc(1, 0));
        assert_eq!(all(text, 9).0, lc(1, 4));
        assert_eq!(all(text, text.len()).0, lc(2, 0));
    }

    #[test]
    fn emoji_and_cjk_columns() {
        // "😀" is 4 bytes, 2 UTF-16 units, 1 scalar; "日" is 3 bytes, 1 unit, 1 scalar.
        let text = "k: 😀日x\n";
        let x = text.find('x').expect("x is in the text");
        assert_eq!(all(text, x), (lc(0, 10), lc(0, 6), lc(0, 5)));
    }

    #[test]
    fn crlf_and_lone_cr() {
        let text = "a: 1\r\nb: 2\rc: 3";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        assert_eq!(index.line_col(6, ColumnEncoding::Utf8), lc(1, 0));
        assert_eq!(index.line_col(11, ColumnEncoding::Utf8), lc(2, 0));
        // Inside "\r\n": the end of line 0's content.
        assert_eq!(index.line_col(5, ColumnEncoding::Utf16), lc(0, 4));
        assert_eq!(index.line_range(0), TextRange::new(0, 4));
        assert_eq!(index.line_range_full(0), TextRange::new(0, 6));
    }

    #[test]
    fn offsets_inside_characters_snap_to_their_start() {
        let text = "é😀";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(1, ColumnEncoding::Utf16), lc(0, 0));
        assert_eq!(index.line_col(3, ColumnEncoding::Utf16), lc(0, 1));
    }

    #[test]
    fn round_trips_in_every_encoding() {
        let text = "名前: \"😀 ok\"\r\n  - ü\n\nend";
        let index = LineIndex::new(text);
        for encoding in [
            ColumnEncoding::Utf8,
            ColumnEncoding::Utf16,
            ColumnEncoding::Scalar,
        ] {
            for (offset, _) in text.char_indices() {
                if text[offset..].starts_with('\n')
                    && offset > 0
                    && text.as_bytes()[offset - 1] == b'\r'
                {
                    continue;
                }
                let position = index.line_col(offset, encoding);
                assert_eq!(
                    index.offset(position, encoding),
                    offset,
                    "{encoding:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn edits_update_the_index_as_a_new_one_would_be() {
        let texts = [
            "",
            "a",
            "a\nb",
            "a: 1\r\nb: 2\rc: 3\n",
            "\r\n\r\n",
            "\r\r\n\n",
            "é\n😀x\r日\n\n",
            "k: v\nlist:\n  - é\r\n  - 2\n",
        ];
        let inserts = ["", "x", "\n", "\r", "\r\n", "é", "a\nb\rc", "\n😀\r"];
        let mut checked = 0;
        for text in texts {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&offset| text.is_char_boundary(offset))
                .collect();
            for (i, &start) in boundaries.iter().enumerate() {
                for &end in &boundaries[i..boundaries.len().min(i + 4)] {
                    for insert in inserts {
                        let mut edited = text.to_owned();
                        edited.replace_range(start..end, insert);
                        let mut index = LineIndex::new(text);
                        index.apply_edit(&edited, start, end, insert.len());
                        assert_eq!(
                            index,
                            LineIndex::new(&edited),
                            "{text:?}: {start}..{end} -> {insert:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "only {checked} edits were checked");
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(lc(0, 99), ColumnEncoding::Utf16), 2);
        assert_eq!(index.offset(lc(9, 0), ColumnEncoding::Utf16), 5);
        // The second half of a surrogate pair maps to the character's start.
        let index = LineIndex::new("😀x");
        assert_eq!(index.offset(lc(0, 1), ColumnEncoding::Utf16), 0);
        assert_eq!(index.offset(lc(0, 2), ColumnEncoding::Utf16), 4);
    }
}
