//! Moving a model's source ranges after an edit elsewhere in the file, so that the
//! parts of a model that an edit did not touch can be kept instead of rebuilt.
//!
//! Model types derive [`Shift`] (`ddia_derive::Shift`), which shifts every field;
//! values without ranges (names, numbers, vocabulary) implement it as a no-op.

use crate::text::{TextEdit, TextRange};

/// Whether `edit` touches a line that `range` (in the text before the edit) spans:
/// a part of a model may depend on the rest of its first and last lines (where a
/// quick fix inserts a key, say), so only an edit on other lines leaves it as it was.
/// `text` is the text after the edit.
pub fn touches_lines(text: &str, range: TextRange, edit: TextEdit) -> bool {
    let bytes = text.as_bytes();
    let delta = |offset: usize| (offset + edit.new_len).saturating_sub(edit.old_end - edit.start);
    let has_newline = |from: usize, to: usize| {
        bytes
            .get(from.min(to)..to)
            .is_some_and(|between| memchr::memchr(b'\n', between).is_some())
    };
    if edit.old_end < range.start {
        // The edit ends before the range: on an earlier line if a line break
        // separates them (the text between is unchanged).
        !has_newline(edit.start + edit.new_len, delta(range.start))
    } else if edit.start > range.end {
        !has_newline(range.end, edit.start)
    } else {
        true
    }
}

/// A value whose source ranges can be moved after an edit.
pub trait Shift {
    fn shift(&mut self, edit: &TextEdit);
}

impl Shift for TextRange {
    fn shift(&mut self, edit: &TextEdit) {
        *self = edit.move_range(*self);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, edit: &TextEdit) {
        if let Some(value) = self {
            value.shift(edit);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, edit: &TextEdit) {
        for value in self {
            value.shift(edit);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, edit: &TextEdit) {
        (**self).shift(edit);
    }
}

/// Catalog entries and static text hold no ranges of the file.
impl<T: ?Sized + 'static> Shift for &'static T {
    fn shift(&mut self, _: &TextEdit) {}
}

/// Implements [`Shift`] as a no-op for types that hold no source range.
macro_rules! no_ranges {
    ($($ty:ty),* $(,)?) => {
        $(impl Shift for $ty {
            fn shift(&mut self, _: &TextEdit) {}
        })*
    };
}

// Not `usize`: a `usize` field in the model is usually an offset, which must move;
// a type with one implements `Shift` by hand (see `Insertion`).
no_ranges!(bool, u16, i64, f64, String);

impl<A: Shift, B: Shift> Shift for (A, B) {
    fn shift(&mut self, edit: &TextEdit) {
        self.0.shift(edit);
        self.1.shift(edit);
    }
}

impl<A: Shift, B: Shift, C: Shift> Shift for (A, B, C) {
    fn shift(&mut self, edit: &TextEdit) {
        self.0.shift(edit);
        self.1.shift(edit);
        self.2.shift(edit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_before_around_and_after_an_edit() {
        // "abc" inserted at 10, replacing 2 bytes (10..12): one byte longer.
        let edit = TextEdit {
            start: 10,
            old_end: 12,
            new_len: 3,
        };
        assert_eq!(edit.move_range(TextRange::new(2, 9)), TextRange::new(2, 9));
        assert_eq!(
            edit.move_range(TextRange::new(8, 12)),
            TextRange::new(8, 13)
        );
        assert_eq!(
            edit.move_range(TextRange::new(12, 20)),
            TextRange::new(13, 21)
        );
        let mut ranges = vec![Some(TextRange::new(30, 31)), None];
        ranges.shift(&edit);
        assert_eq!(ranges, vec![Some(TextRange::new(31, 32)), None]);
    }
}
