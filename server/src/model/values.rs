//! Values with units in a spec: durations (`250ms`), percentages (`99.95%`), sizes (`4TB`).

/// A duration in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, ddia_derive::Shift)]
pub struct Duration {
    pub millis: f64,
}

impl Duration {
    /// Parses `20ms`, `1.5s` or `2m` (the spec's units), and also `250us`, `250µs` and
    /// `1h`.
    pub fn parse(text: &str) -> Option<Duration> {
        let text = text.trim();
        const UNITS: [(&str, f64); 6] = [
            ("ms", 1.0),
            ("us", 0.001),
            ("µs", 0.001),
            ("s", 1000.0),
            ("m", 60_000.0),
            ("h", 3_600_000.0),
        ];
        let (number, factor) = UNITS
            .iter()
            .find_map(|(unit, factor)| Some((text.strip_suffix(unit)?, *factor)))?;
        let value = parse_number(number.trim())?;
        Some(Duration {
            millis: value * factor,
        })
    }
}

/// A size in bytes (decimal units, as capacity plans are written).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, ddia_derive::Shift)]
pub struct Quantity {
    pub bytes: f64,
}

impl Quantity {
    /// Parses `500GB`, `4 TB` or `1.5PB` (the spec's units), and the binary units
    /// `KiB` to `PiB`.
    pub fn parse(text: &str) -> Option<Quantity> {
        let text = text.trim();
        const UNITS: [(&str, f64); 10] = [
            ("KiB", 1024.0),
            ("MiB", 1_048_576.0),
            ("GiB", 1_073_741_824.0),
            ("TiB", 1_099_511_627_776.0),
            ("PiB", 1_125_899_906_842_624.0),
            ("KB", 1e3),
            ("MB", 1e6),
            ("GB", 1e9),
            ("TB", 1e12),
            ("PB", 1e15),
        ];
        UNITS.iter().find_map(|(unit, factor)| {
            let number = text.strip_suffix(unit)?;
            Some(Quantity {
                bytes: parse_number(number.trim())? * factor,
            })
        })
    }
}

/// Parses `99.95%` to 99.95.
pub fn parse_percentage(text: &str) -> Option<f64> {
    parse_number(text.trim().strip_suffix('%')?.trim())
}

/// A non-negative decimal number without exponent or sign.
fn parse_number(text: &str) -> Option<f64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(Duration::parse("20ms"), Some(Duration { millis: 20.0 }));
        assert_eq!(Duration::parse("1.5s"), Some(Duration { millis: 1500.0 }));
        assert_eq!(Duration::parse("2m"), Some(Duration { millis: 120_000.0 }));
        assert_eq!(Duration::parse("fast"), None);
        assert_eq!(Duration::parse("ms"), None);
        assert_eq!(Duration::parse("-1s"), None);
        assert_eq!(
            Duration::parse("1h"),
            Some(Duration {
                millis: 3_600_000.0
            })
        );
        assert_eq!(Duration::parse("500 ms"), Some(Duration { millis: 500.0 }));
        assert_eq!(Duration::parse("250us"), Some(Duration { millis: 0.25 }));
    }

    #[test]
    fn sizes_and_percentages() {
        assert_eq!(Quantity::parse("4TB"), Some(Quantity { bytes: 4e12 }));
        assert_eq!(Quantity::parse("1.5 GB"), Some(Quantity { bytes: 1.5e9 }));
        assert_eq!(Quantity::parse("4 tb"), None);
        assert_eq!(
            Quantity::parse("2GiB"),
            Some(Quantity {
                bytes: 2_147_483_648.0
            })
        );
        assert_eq!(parse_percentage("99.95%"), Some(99.95));
        assert_eq!(parse_percentage("99.95"), None);
    }
}
