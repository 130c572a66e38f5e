//! Byte ranges into a source text, the only kind of location below the front ends.

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
