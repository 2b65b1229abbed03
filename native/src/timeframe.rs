//! Timeframe strings (`30s`, `1m`, `4H`, `1D`) and how timeframes nest.

pub const MICROS_PER_SECOND: i64 = 1_000_000;
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// The default set: 1m, 5m, 15m, 1H, 4H, 1D.
pub const DEFAULT_TIMEFRAMES: [&str; 6] = ["1m", "5m", "15m", "1H", "4H", "1D"];

/// One bar length. Intraday timeframes (s, m, H) are a fixed number of microseconds counted
/// from the start of the session; day timeframes (D) are a number of sessions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeframe {
    /// The label as the user wrote it, normalised (`4h` -> `4H`, `1d` -> `1D`).
    pub label: String,
    /// Length in microseconds (for day timeframes the nominal length, days * 24h).
    pub micros: i64,
    /// Number of sessions for day timeframes, 0 for intraday ones.
    pub days: i64,
}

impl Timeframe {
    /// Parses `<n><unit>` with unit `s`, `m`, `H` (or `h`) or `D` (or `d`), n >= 1.
    pub fn parse(text: &str) -> Result<Timeframe, String> {
        let hint = "use a whole number followed by s, m, H or D (e.g. 30s, 5m, 4H, 1D)";
        let t = text.trim();
        let digits = t.bytes().take_while(|b| b.is_ascii_digit()).count();
        let (num, unit) = t.split_at(digits);
        if num.is_empty() || unit.len() != 1 {
            return Err(format!("unknown timeframe \"{}\": {}", text, hint));
        }
        let n: i64 = num
            .parse()
            .map_err(|_| format!("unknown timeframe \"{}\": the number is too large", text))?;
        if n < 1 {
            return Err(format!("unknown timeframe \"{}\": the length must be at least 1", text));
        }
        let (unit_micros, days, label_unit) = match unit {
            "s" => (MICROS_PER_SECOND, false, "s"),
            "m" => (60 * MICROS_PER_SECOND, false, "m"),
            "h" | "H" => (3_600 * MICROS_PER_SECOND, false, "H"),
            "d" | "D" => (MICROS_PER_DAY, true, "D"),
            "M" => {
                return Err(format!(
                    "unknown timeframe \"{}\": months are not supported (m is minutes); {}",
                    text, hint
                ))
            }
            _ => return Err(format!("unknown timeframe \"{}\": {}", text, hint)),
        };
        let micros = n
            .checked_mul(unit_micros)
            .filter(|m| *m <= 366 * MICROS_PER_DAY * 100)
            .ok_or_else(|| format!("unknown timeframe \"{}\": longer than 100 years", text))?;
        Ok(Timeframe { label: format!("{}{}", n, label_unit), micros, days: if days { n } else { 0 } })
    }

    pub fn is_day(&self) -> bool {
        self.days > 0
    }

    /// Whether every period boundary of `self` is also a boundary of `coarser`, so that
    /// `coarser`'s bars can be folded from `self`'s completed bars.
    pub fn nests_into(&self, coarser: &Timeframe) -> bool {
        match (self.is_day(), coarser.is_day()) {
            (false, false) => coarser.micros % self.micros == 0,
            // Intraday periods restart at every session start, so every session
            // boundary is an intraday boundary.
            (false, true) => true,
            (true, true) => coarser.days % self.days == 0,
            (true, false) => false,
        }
    }
}

/// Parses, checks for duplicates and sorts a list of timeframes, shortest first (an
/// intraday timeframe before a day timeframe of the same nominal length).
pub fn parse_list(labels: &[String]) -> Result<Vec<Timeframe>, String> {
    if labels.is_empty() {
        return Err("timeframes: give at least one timeframe (e.g. [\"1m\", \"1H\"])".into());
    }
    if labels.len() > 32 {
        return Err(format!("timeframes: at most 32 timeframes are supported, got {}", labels.len()));
    }
    let mut tfs = Vec::with_capacity(labels.len());
    for l in labels {
        let tf = Timeframe::parse(l)?;
        if tfs.iter().any(|o: &Timeframe| o.label == tf.label) {
            return Err(format!("timeframes: \"{}\" is listed twice", l));
        }
        tfs.push(tf);
    }
    tfs.sort_by_key(|t| (t.micros, t.days));
    Ok(tfs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_normalises_labels() {
        assert_eq!(Timeframe::parse("30s").unwrap().micros, 30_000_000);
        assert_eq!(Timeframe::parse("5m").unwrap().micros, 300_000_000);
        let h = Timeframe::parse("4h").unwrap();
        assert_eq!((h.label.as_str(), h.micros, h.days), ("4H", 4 * 3_600_000_000, 0));
        let d = Timeframe::parse("1d").unwrap();
        assert_eq!((d.label.as_str(), d.days), ("1D", 1));
    }

    #[test]
    fn rejects_unknown_strings_with_a_hint() {
        for bad in ["", "m", "5", "5x", "0m", "1M", "1.5m", "-1m", "5 m", "99999999999999999999s"] {
            let e = Timeframe::parse(bad).unwrap_err();
            assert!(e.contains("unknown timeframe"), "{bad}: {e}");
        }
        assert!(Timeframe::parse("1M").unwrap_err().contains("months"));
    }

    #[test]
    fn sorts_and_rejects_duplicates() {
        let l: Vec<String> = ["1D", "1m", "4H", "24H"].iter().map(|s| s.to_string()).collect();
        let tfs = parse_list(&l).unwrap();
        let labels: Vec<&str> = tfs.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["1m", "4H", "24H", "1D"]);
        let dup: Vec<String> = ["1h", "1H"].iter().map(|s| s.to_string()).collect();
        assert!(parse_list(&dup).unwrap_err().contains("twice"));
    }

    #[test]
    fn nesting() {
        let p = |s: &str| Timeframe::parse(s).unwrap();
        assert!(p("1m").nests_into(&p("5m")));
        assert!(!p("2m").nests_into(&p("3m")));
        assert!(p("7m").nests_into(&p("1D")));
        assert!(p("1D").nests_into(&p("2D")));
        assert!(!p("2D").nests_into(&p("3D")));
        assert!(!p("1D").nests_into(&p("48H")));
    }
}
