//! Byte ranges into a source text, the only kind of location below the front ends.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// A half-open range of byte offsets into one source text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    /// A range from `start` to `end`; a reversed pair is normalised.
    pub fn new(start: usize, end: usize) -> Self {
        if start <= end {
            TextRange { start, end }
        } else {
            TextRange {
                start: end,
                end: start,
            }
        }
    }

    /// An empty range at `offset`.
    pub fn empty(offset: usize) -> Self {
        TextRange {
            start: offset,
            end: offset,
        }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the range (the end is included, as for a cursor).
    pub fn contains_inclusive(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// The smallest range covering both.
    pub fn cover(&self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn as_range(&self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Range<usize>> for TextRange {
    fn from(range: Range<usize>) -> Self {
        TextRange::new(range.start, range.end)
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// One replacement in a text: the old text's `start..old_end` became `new_len` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub start: usize,
    pub old_end: usize,
    pub new_len: usize,
}

impl TextEdit {
    /// Where `range` is after the edit: a range that holds the edit grows or shrinks
    /// at its end; a range after it moves; a range before it stays.
    pub fn move_range(&self, range: TextRange) -> TextRange {
        let shift =
            |offset: usize| (offset + self.new_len).saturating_sub(self.old_end - self.start);
        if range.start <= self.start && self.old_end <= range.end {
            TextRange::new(range.start, shift(range.end))
        } else if range.start >= self.old_end {
            TextRange::new(shift(range.start), shift(range.end))
        } else {
            range
        }
    }
}

/// Whether a character must not reach a terminal or a CI log as it is: control
/// characters (escape sequences, line breaks that would start a forged workflow
/// command), and the invisible characters that reorder text (bidi overrides and
/// isolates, Trojan Source).
pub fn is_unprintable(character: char) -> bool {
    character.is_control()
        || matches!(
            character,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// A name, message or file name as a human-readable output may print it on one line:
/// each control character shown as its visible symbol (`\u{1b}` as `␛`, a line break as
/// `␊`), and each other unprintable character as `<U+202E>`.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        match u32::from(character) {
            code @ 0..=0x1F => {
                shown.push(char::from_u32(0x2400 + code).unwrap_or('\u{FFFD}'));
            }
            0x7F => shown.push('\u{2421}'),
            code if is_unprintable(character) => shown.push_str(&format!("<U+{code:04X}>")),
            _ => shown.push(character),
        }
    }
    Cow::Owned(shown)
}
