//! UTC-offset transition tables of IANA time zones.
//!
//! The addon has no time-zone database (no crates, no ICU of its own): the JS side computes
//! a zone's offset transitions with Node's ICU (`Intl`) and hands them over when an engine
//! is created, as pairs (UTC microseconds, offset seconds): from each instant on, that
//! offset is in force. The first offset also holds before the first instant and the last
//! one after the last instant. Lookups are binary searches over the table, made once per
//! session (day) boundary, never per tick.

const SECOND: i64 = 1_000_000;
/// Larger than any UTC offset a table may hold (ICU's historic local mean times stay within
/// about 15:57; 18 hours is the limit java.time and ICU use).
const MAX_OFFSET: i64 = 18 * 3600 * SECOND;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneTable {
    name: String,
    /// UTC micros at which `offset[i]` starts (strictly ascending).
    at: Vec<i64>,
    /// Offsets in micros (local = utc + offset).
    offset: Vec<i64>,
}

impl ZoneTable {
    /// A table from pairs `[utc_micros, offset_seconds, ...]`, checked: at least one pair,
    /// instants strictly ascending, offsets within +-18 hours.
    pub fn new(name: &str, pairs: &[i64]) -> Result<ZoneTable, String> {
        let bad = |why: String| Err(format!("time zone table of \"{}\": {}", name, why));
        if pairs.is_empty() || !pairs.len().is_multiple_of(2) {
            return bad(format!("expected pairs (UTC micros, offset seconds), got {} numbers", pairs.len()));
        }
        let mut at = Vec::with_capacity(pairs.len() / 2);
        let mut offset = Vec::with_capacity(pairs.len() / 2);
        for (i, p) in pairs.chunks_exact(2).enumerate() {
            if at.last().is_some_and(|&prev| p[0] <= prev) {
                return bad(format!("instant {} ({}) is not after the previous one", i, p[0]));
            }
            let off = p[1].saturating_mul(SECOND);
            if off.abs() > MAX_OFFSET {
                return bad(format!("offset {} ({} s) is beyond +-18 hours", i, p[1]));
            }
            at.push(p[0]);
            offset.push(off);
        }
        Ok(ZoneTable { name: name.to_string(), at, offset })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Index of the period containing the UTC instant `utc` (period 0 also covers earlier times).
    fn period(&self, utc: i64) -> usize {
        self.at.partition_point(|&a| a <= utc).saturating_sub(1)
    }

    /// Offset (local - UTC) in micros at the UTC instant `utc`.
    pub fn offset_at(&self, utc: i64) -> i64 {
        self.offset[self.period(utc)]
    }

    /// UTC instant of a local wall time (micros since the local epoch), with the rules of the
    /// built-in America/New_York zone: a time repeated by a backward change is its first
    /// (earlier) occurrence; a time skipped by a forward change is read with the offset in
    /// force before the change (02:30 on a spring-forward day at 02:00 = 03:30 after it).
    pub fn local_to_utc(&self, local: i64) -> i64 {
        // Every period that could contain `local - offset` overlaps this UTC window.
        let lo = self.period(local.saturating_sub(MAX_OFFSET));
        let hi = self.period(local.saturating_add(MAX_OFFSET));
        let mut before = self.offset[lo];
        for i in lo..=hi {
            let u = local - self.offset[i];
            let started = i == 0 || self.at[i] <= u;
            let ended = i + 1 < self.at.len() && self.at[i + 1] <= u;
            if started && !ended {
                // Periods are in UTC order, so the first match is the earliest occurrence.
                return u;
            }
            if ended {
                before = self.offset[i];
            }
        }
        // In a gap: the last period that ended before `local` (read with its offset) is the one before the change.
        local - before
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::days_from_civil;
    use crate::timeframe::MICROS_PER_DAY;

    const HOUR: i64 = 3600 * SECOND;
    const MINUTE: i64 = 60 * SECOND;

    fn utc(y: i64, mo: i64, d: i64, h: i64, mi: i64) -> i64 {
        days_from_civil(y, mo, d) * MICROS_PER_DAY + h * HOUR + mi * MINUTE
    }

    /// Europe/London 2013: BST from 31 March 01:00 UTC to 27 October 01:00 UTC.
    fn london() -> ZoneTable {
        ZoneTable::new("Europe/London", &[utc(2012, 10, 28, 1, 0), 0, utc(2013, 3, 31, 1, 0), 3600, utc(2013, 10, 27, 1, 0), 0])
            .unwrap()
    }

    #[test]
    fn offsets_before_inside_and_after_the_table() {
        let z = london();
        assert_eq!(z.offset_at(utc(1990, 1, 1, 0, 0)), 0);
        assert_eq!(z.offset_at(utc(2013, 3, 31, 0, 59)), 0);
        assert_eq!(z.offset_at(utc(2013, 3, 31, 1, 0)), HOUR);
        assert_eq!(z.offset_at(utc(2013, 10, 27, 0, 59)), HOUR);
        assert_eq!(z.offset_at(utc(2013, 10, 27, 1, 0)), 0);
        assert_eq!(z.offset_at(utc(2100, 1, 1, 0, 0)), 0);
    }

    #[test]
    fn skipped_local_times_use_the_offset_before_the_change() {
        let z = london();
        // 01:30 on 31 March 2013 does not exist in London: read as GMT, = 02:30 BST.
        assert_eq!(z.local_to_utc(utc(2013, 3, 31, 1, 30)), utc(2013, 3, 31, 1, 30));
        assert_eq!(z.local_to_utc(utc(2013, 3, 31, 0, 59)), utc(2013, 3, 31, 0, 59));
        assert_eq!(z.local_to_utc(utc(2013, 3, 31, 2, 0)), utc(2013, 3, 31, 1, 0));
        assert_eq!(z.local_to_utc(utc(2013, 6, 1, 17, 0)), utc(2013, 6, 1, 16, 0));
    }

    #[test]
    fn repeated_local_times_are_their_first_occurrence() {
        let z = london();
        // 01:30 on 27 October 2013 happens twice (BST, then GMT): the BST one.
        assert_eq!(z.local_to_utc(utc(2013, 10, 27, 1, 30)), utc(2013, 10, 27, 0, 30));
        assert_eq!(z.local_to_utc(utc(2013, 10, 27, 2, 0)), utc(2013, 10, 27, 2, 0));
        assert_eq!(z.local_to_utc(utc(2013, 10, 27, 0, 59)), utc(2013, 10, 26, 23, 59));
    }

    #[test]
    fn southern_hemisphere_half_and_three_quarter_hour_offsets() {
        // Australia/Sydney 2013-14: AEDT (+11) from 6 October 2013 02:00 AEST to 6 April 2014 03:00 AEDT.
        let sydney = ZoneTable::new(
            "Australia/Sydney",
            &[utc(2013, 4, 6, 16, 0), 36_000, utc(2013, 10, 5, 16, 0), 39_600, utc(2014, 4, 5, 16, 0), 36_000],
        )
        .unwrap();
        assert_eq!(sydney.offset_at(utc(2014, 1, 1, 0, 0)), 11 * HOUR);
        assert_eq!(sydney.offset_at(utc(2013, 7, 1, 0, 0)), 10 * HOUR);
        // 02:30 on 6 October 2013 is skipped; 02:30 on 6 April 2014 is repeated.
        assert_eq!(sydney.local_to_utc(utc(2013, 10, 6, 2, 30)), utc(2013, 10, 5, 16, 30));
        assert_eq!(sydney.local_to_utc(utc(2014, 4, 6, 2, 30)), utc(2014, 4, 5, 15, 30));
        // Asia/Kolkata +05:30 and Pacific/Chatham +12:45 / +13:45.
        let kolkata = ZoneTable::new("Asia/Kolkata", &[utc(1945, 10, 14, 17, 30), 19_800]).unwrap();
        assert_eq!(kolkata.local_to_utc(utc(2020, 1, 1, 9, 15)), utc(2020, 1, 1, 3, 45));
        let chatham =
            ZoneTable::new("Pacific/Chatham", &[utc(2013, 4, 6, 14, 0), 45_900, utc(2013, 9, 28, 14, 0), 49_500]).unwrap();
        assert_eq!(chatham.local_to_utc(utc(2013, 7, 1, 9, 0)), utc(2013, 6, 30, 20, 15));
        assert_eq!(chatham.local_to_utc(utc(2013, 12, 1, 9, 0)), utc(2013, 11, 30, 19, 15));
    }

    #[test]
    fn bad_tables_are_refused_with_the_zone_name() {
        for pairs in [&[][..], &[0][..], &[10, 0, 10, 3600][..], &[0, 19 * 3600][..]] {
            assert!(ZoneTable::new("Europe/Paris", pairs).unwrap_err().contains("Europe/Paris"), "{pairs:?}");
        }
        assert!(ZoneTable::new("Etc/UTC", &[i64::MIN, 0]).is_ok());
    }
}
