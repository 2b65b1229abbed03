//! Session (trading day) boundaries per instrument.
//!
//! A session spec is `"HH:MM ZONE"`: the local time at which each session starts, and
//! the zone, one of `UTC`, a fixed offset `UTC+HH:MM` / `UTC-HH:MM`,
//! `America/New_York` (US daylight-saving rules built in: since 2007 from the 2nd Sunday
//! of March to the 1st Sunday of November at 02:00 local; 1987-2006 from the 1st Sunday of
//! April to the last Sunday of October; 1967-1986 from the last Sunday of April, with the
//! 1974 and 1975 exceptions; earlier years use the 1967 rule), or any other IANA zone name
//! given with its offset transition table (`zone_table`, computed from ICU on the JS side).
//! The default is `"00:00 UTC"`. Sessions tile time without gaps: session `d` runs from
//! `start(d)` to `start(d + 1)`, so a session spanning a daylight-saving change lasts 23
//! or 25 hours. A session start in a skipped hour is read with the offset before the
//! change; one in a repeated hour is its first occurrence.

use std::sync::Arc;

use crate::timeframe::MICROS_PER_DAY;
use crate::zone_table::ZoneTable;

const HOUR: i64 = 3_600_000_000;
const MINUTE: i64 = 60_000_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zone {
    /// Fixed offset from UTC in microseconds (local = utc + offset).
    Fixed(i64),
    /// America/New_York with US daylight-saving rules.
    NewYork,
    /// Any other zone, from its offset transition table (shared by the engine's clones).
    Table(Arc<ZoneTable>),
}

/// The zone forms a session accepts, for error messages.
const ZONE_FORMS: &str = "ZONE UTC, UTC+HH:MM, UTC-HH:MM, America/New_York or another IANA time-zone name \
                          (e.g. Europe/London, Asia/Tokyo)";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Local time of day at which a session starts, microseconds after local midnight.
    pub local_start: i64,
    pub zone: Zone,
}

impl Default for Session {
    fn default() -> Self {
        Session { local_start: 0, zone: Zone::Fixed(0) }
    }
}

fn parse_hhmm(s: &str) -> Option<i64> {
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: i64 = h.parse().ok()?;
    let m: i64 = m.parse().ok()?;
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some(h * HOUR + m * MINUTE)
}

/// A session spec split into its local start and zone name.
fn split_spec(spec: &str) -> Result<(i64, &str), String> {
    let err = || {
        format!(
            "session \"{}\": expected \"HH:MM ZONE\" with {} (e.g. \"00:00 UTC\", \"17:00 America/New_York\")",
            spec, ZONE_FORMS
        )
    };
    let mut parts = spec.split_whitespace();
    let (time, zone) = match (parts.next(), parts.next(), parts.next()) {
        (Some(t), Some(z), None) => (t, z),
        _ => return Err(err()),
    };
    Ok((parse_hhmm(time).ok_or_else(err)?, zone))
}

/// The zone when it is built in (`UTC`, `UTC+HH:MM`, `UTC-HH:MM`, `America/New_York`);
/// `Ok(None)` for any other name.
fn builtin_zone(spec: &str, zone: &str) -> Result<Option<Zone>, String> {
    let fixed = |rest: &str| {
        parse_hhmm(rest).filter(|o| *o <= 14 * HOUR).ok_or_else(|| {
            format!("session \"{}\": the offset of {} must be HH:MM up to 14:00 ({})", spec, zone, ZONE_FORMS)
        })
    };
    Ok(Some(if zone == "UTC" {
        Zone::Fixed(0)
    } else if zone == "America/New_York" {
        Zone::NewYork
    } else if let Some(rest) = zone.strip_prefix("UTC+") {
        Zone::Fixed(fixed(rest)?)
    } else if let Some(rest) = zone.strip_prefix("UTC-") {
        Zone::Fixed(-fixed(rest)?)
    } else {
        return Ok(None);
    }))
}

impl Session {
    /// A session in a built-in zone (see the module doc); other zones need `with_table`.
    pub fn parse(spec: &str) -> Result<Session, String> {
        Session::with_table(spec, None)
    }

    /// The zone name of a spec whose zone is not built in, i.e. needs a transition table
    /// (`None` for built-in zones); an error for a malformed spec.
    pub fn table_zone(spec: &str) -> Result<Option<String>, String> {
        let (_, zone) = split_spec(spec)?;
        Ok(match builtin_zone(spec, zone)? {
            Some(_) => None,
            None => Some(zone.to_string()),
        })
    }

    /// A session whose zone is built in (`table` must then be `None`) or is the zone of `table`.
    pub fn with_table(spec: &str, table: Option<ZoneTable>) -> Result<Session, String> {
        let (local_start, name) = split_spec(spec)?;
        let zone = match (builtin_zone(spec, name)?, table) {
            (Some(z), None) => z,
            (Some(_), Some(t)) => {
                return Err(format!(
                    "session \"{}\": {} is built in, but a time-zone table of \"{}\" was given",
                    spec,
                    name,
                    t.name()
                ))
            }
            (None, Some(t)) if t.name() == name => Zone::Table(Arc::new(t)),
            (None, Some(t)) => {
                return Err(format!("session \"{}\": the time-zone table given is of \"{}\", not {}", spec, t.name(), name))
            }
            (None, None) => {
                return Err(format!(
                    "session \"{}\": time zone \"{}\" is not built in and no offset table of it was given \
                     (options.sessionZone; MtfEngine builds it from Node's ICU, which refuses unknown names); \
                     expected \"HH:MM ZONE\" with {}",
                    spec, name, ZONE_FORMS
                ))
            }
        };
        Ok(Session { local_start, zone })
    }

    /// UTC start of session `day` (days counted from 1970-01-01 in local dates).
    pub fn start(&self, day: i64) -> i64 {
        let local = day * MICROS_PER_DAY + self.local_start;
        match self.zone {
            Zone::Fixed(off) => local - off,
            Zone::NewYork => new_york_local_to_utc(local),
            Zone::Table(ref z) => z.local_to_utc(local),
        }
    }

    /// The session day containing the UTC time `t`: `start(d) <= t < start(d + 1)`.
    pub fn day_of(&self, t: i64) -> i64 {
        // A guess from an offset near `t`, corrected against the exact starts.
        let offset = match self.zone {
            Zone::Fixed(off) => return (t + off - self.local_start).div_euclid(MICROS_PER_DAY),
            Zone::NewYork => -5 * HOUR,
            Zone::Table(ref z) => z.offset_at(t),
        };
        let mut d = (t + offset - self.local_start).div_euclid(MICROS_PER_DAY);
        while self.start(d + 1) <= t {
            d += 1;
        }
        while self.start(d) > t {
            d -= 1;
        }
        d
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The year of a day number.
pub fn year_of_day(z: i64) -> i64 {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400;
    if m <= 2 {
        y + 1
    } else {
        y
    }
}

/// 0 = Sunday.
fn weekday(day: i64) -> i64 {
    (day + 4).rem_euclid(7)
}

/// Day number of the `nth` (1-based) Sunday of a month, or the last one for `nth == 0`.
fn sunday(year: i64, month: i64, nth: i64) -> i64 {
    if nth == 0 {
        let next = if month == 12 { days_from_civil(year + 1, 1, 1) } else { days_from_civil(year, month + 1, 1) };
        let last = next - 1;
        last - weekday(last)
    } else {
        let first = days_from_civil(year, month, 1);
        first + (7 - weekday(first)) % 7 + 7 * (nth - 1)
    }
}

/// UTC instants at which New York daylight-saving time starts and ends in `year`.
pub fn new_york_dst_utc(year: i64) -> (i64, i64) {
    let (start_day, end_day) = if year >= 2007 {
        (sunday(year, 3, 2), sunday(year, 11, 1))
    } else if year >= 1987 {
        (sunday(year, 4, 1), sunday(year, 10, 0))
    } else if year == 1974 {
        (days_from_civil(1974, 1, 6), sunday(year, 10, 0))
    } else if year == 1975 {
        (days_from_civil(1975, 2, 23), sunday(year, 10, 0))
    } else {
        (sunday(year, 4, 0), sunday(year, 10, 0))
    };
    // 02:00 EST = 07:00 UTC; 02:00 EDT = 06:00 UTC.
    (start_day * MICROS_PER_DAY + 7 * HOUR, end_day * MICROS_PER_DAY + 6 * HOUR)
}

/// Whether New York observes daylight-saving time at the UTC instant `t`.
pub fn new_york_is_dst(t: i64) -> bool {
    let (s, e) = new_york_dst_utc(year_of_day(t.div_euclid(MICROS_PER_DAY)));
    s <= t && t < e
}

/// UTC offset of New York at UTC instant `t` (local = utc + offset).
pub fn new_york_offset(t: i64) -> i64 {
    if new_york_is_dst(t) {
        -4 * HOUR
    } else {
        -5 * HOUR
    }
}

/// Local New York wall time -> UTC. A time skipped by the spring change (02:30) is read
/// with the standard offset (= 03:30 EDT); a repeated one (01:30 in November) is the first
/// (daylight) occurrence.
pub fn new_york_local_to_utc(local: i64) -> i64 {
    let as_dst = local + 4 * HOUR;
    if new_york_is_dst(as_dst) {
        as_dst
    } else {
        local + 5 * HOUR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i64, mo: i64, d: i64, h: i64, mi: i64) -> i64 {
        days_from_civil(y, mo, d) * MICROS_PER_DAY + h * HOUR + mi * MINUTE
    }

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2014, 5, 1), 16191);
        for d in [-800_000, -1, 0, 59, 16191, 20_000, 2_000_000] {
            let y = year_of_day(d);
            assert!(days_from_civil(y, 1, 1) <= d && d < days_from_civil(y + 1, 1, 1));
        }
        assert_eq!(weekday(days_from_civil(2013, 10, 6)), 0);
    }

    #[test]
    fn new_york_daylight_saving_dates() {
        // 2013: 10 March and 3 November; 2006: 2 April and 29 October.
        assert_eq!(new_york_dst_utc(2013), (utc(2013, 3, 10, 7, 0), utc(2013, 11, 3, 6, 0)));
        assert_eq!(new_york_dst_utc(2006), (utc(2006, 4, 2, 7, 0), utc(2006, 10, 29, 6, 0)));
        assert_eq!(new_york_dst_utc(1970), (utc(1970, 4, 26, 7, 0), utc(1970, 10, 25, 6, 0)));
        assert_eq!(new_york_dst_utc(1974).0, utc(1974, 1, 6, 7, 0));
        assert_eq!(new_york_offset(utc(2013, 10, 7, 13, 30)), -4 * HOUR);
        assert_eq!(new_york_offset(utc(2013, 12, 7, 13, 30)), -5 * HOUR);
        assert_eq!(new_york_local_to_utc(utc(2013, 3, 10, 2, 30)), utc(2013, 3, 10, 7, 30));
        assert_eq!(new_york_local_to_utc(utc(2013, 11, 3, 1, 30)), utc(2013, 11, 3, 5, 30));
    }

    #[test]
    fn fx_sessions_start_at_17_new_york() {
        let s = Session::parse("17:00 America/New_York").unwrap();
        let t = utc(2014, 5, 6, 12, 0); // a Tuesday, EDT: session began Monday 21:00 UTC
        let d = s.day_of(t);
        assert_eq!(s.start(d), utc(2014, 5, 5, 21, 0));
        assert_eq!(s.start(d + 1), utc(2014, 5, 6, 21, 0));
        // the session across the November change lasts 25 hours
        let d = s.day_of(utc(2013, 11, 3, 12, 0));
        assert_eq!(s.start(d + 1) - s.start(d), 25 * HOUR);
        let d = s.day_of(utc(2013, 3, 10, 12, 0));
        assert_eq!(s.start(d + 1) - s.start(d), 23 * HOUR);
    }

    #[test]
    fn fixed_sessions_and_parse_errors() {
        let s = Session::parse("22:00 UTC").unwrap();
        assert_eq!(s.start(s.day_of(utc(2014, 5, 6, 23, 0))), utc(2014, 5, 6, 22, 0));
        assert_eq!(s.start(s.day_of(utc(2014, 5, 6, 21, 59))), utc(2014, 5, 5, 22, 0));
        let s = Session::parse("17:00 UTC-05:00").unwrap();
        assert_eq!(s.start(s.day_of(utc(2014, 5, 6, 23, 0))), utc(2014, 5, 6, 22, 0));
        for bad in ["", "17:00", "25:00 UTC", "17:00 UTC+15:00", "1700 UTC"] {
            assert!(Session::parse(bad).unwrap_err().contains("session"), "{bad}");
        }
        // A zone that is not built in needs its table; the error names the zone and the forms.
        let e = Session::parse("17:00 Europe/London").unwrap_err();
        assert!(e.contains("\"Europe/London\"") && e.contains("UTC+HH:MM") && e.contains("IANA"), "{e}");
        assert_eq!(Session::table_zone("17:00 Europe/London").unwrap().as_deref(), Some("Europe/London"));
        assert_eq!(Session::table_zone("17:00 America/New_York").unwrap(), None);
        assert_eq!(Session::table_zone("09:30 UTC-05:00").unwrap(), None);
        assert!(Session::table_zone("17:00").is_err());
        let paris = || ZoneTable::new("Europe/Paris", &[0, 3600]).unwrap();
        assert!(Session::with_table("17:00 Europe/London", Some(paris())).unwrap_err().contains("Europe/Paris"));
        assert!(Session::with_table("17:00 UTC", Some(paris())).unwrap_err().contains("built in"));
    }

    /// Europe/London 2011-2014 (BST from the last Sunday of March to the last Sunday of October, 01:00 UTC).
    fn london_table() -> ZoneTable {
        let mut pairs = vec![utc(2011, 10, 30, 1, 0), 0];
        for (y, m, d) in [(2012, 3, 25), (2012, 10, 28), (2013, 3, 31), (2013, 10, 27), (2014, 3, 30), (2014, 10, 26)] {
            pairs.extend([utc(y, m, d, 1, 0), if m == 3 { 3600 } else { 0 }]);
        }
        ZoneTable::new("Europe/London", &pairs).unwrap()
    }

    #[test]
    fn table_sessions_start_at_local_time_across_daylight_saving_changes() {
        let s = Session::with_table("17:00 Europe/London", Some(london_table())).unwrap();
        // 17:00 GMT in winter, 17:00 BST = 16:00 UTC in summer.
        assert_eq!(s.start(s.day_of(utc(2013, 1, 15, 18, 0))), utc(2013, 1, 15, 17, 0));
        assert_eq!(s.start(s.day_of(utc(2013, 1, 15, 16, 59))), utc(2013, 1, 14, 17, 0));
        assert_eq!(s.start(s.day_of(utc(2013, 7, 15, 16, 0))), utc(2013, 7, 15, 16, 0));
        assert_eq!(s.start(s.day_of(utc(2013, 7, 15, 15, 59))), utc(2013, 7, 14, 16, 0));
        // The session over the spring change (Sat 17:00 GMT -> Sun 17:00 BST) lasts 23 hours,
        // the autumn one 25.
        let d = s.day_of(utc(2013, 3, 31, 0, 0));
        assert_eq!((s.start(d), s.start(d + 1)), (utc(2013, 3, 30, 17, 0), utc(2013, 3, 31, 16, 0)));
        let d = s.day_of(utc(2013, 10, 27, 0, 0));
        assert_eq!(s.start(d + 1) - s.start(d), 25 * HOUR);
        // Every session of the table's years: day_of and start agree.
        for d in s.day_of(utc(2012, 1, 1, 0, 0))..s.day_of(utc(2015, 1, 1, 0, 0)) {
            let (a, b) = (s.start(d), s.start(d + 1));
            assert!((23 * HOUR..=25 * HOUR).contains(&(b - a)));
            assert_eq!((s.day_of(a), s.day_of(b - 1)), (d, d));
        }
    }

    #[test]
    fn a_session_start_in_a_skipped_or_repeated_hour() {
        let s = Session::with_table("01:30 Europe/London", Some(london_table())).unwrap();
        // 01:30 on 31 March 2013 is skipped: the session starts at 01:30 GMT (= 02:30 BST).
        let d = s.day_of(utc(2013, 3, 31, 12, 0));
        assert_eq!(s.start(d), utc(2013, 3, 31, 1, 30));
        assert_eq!(s.start(d - 1), utc(2013, 3, 30, 1, 30));
        assert_eq!(s.start(d + 1), utc(2013, 4, 1, 0, 30));
        // 01:30 on 27 October 2013 happens twice: the session starts at the first (BST, 00:30 UTC).
        let d = s.day_of(utc(2013, 10, 27, 12, 0));
        assert_eq!(s.start(d), utc(2013, 10, 27, 0, 30));
        assert_eq!(s.start(d + 1) - s.start(d), 25 * HOUR);
    }

    #[test]
    fn a_table_of_the_us_rules_gives_the_built_in_new_york_sessions() {
        // The hand-coded rules as a table, 1970-2100: every session start and day lookup is the same.
        let mut pairs = vec![i64::MIN, -5 * 3600];
        for y in 1970..=2100 {
            let (a, b) = new_york_dst_utc(y);
            pairs.extend([a, -4 * 3600, b, -5 * 3600]);
        }
        let table = ZoneTable::new("US/Eastern", &pairs).unwrap();
        for hhmm in ["17:00", "02:30", "01:30", "00:00"] {
            let built_in = Session::parse(&format!("{} America/New_York", hhmm)).unwrap();
            let s = Session::with_table(&format!("{} US/Eastern", hhmm), Some(table.clone())).unwrap();
            for d in days_from_civil(1970, 1, 2)..days_from_civil(2100, 12, 31) {
                assert_eq!(s.start(d), built_in.start(d), "{hhmm} day {d}");
            }
            let mut t = utc(1970, 1, 2, 0, 0);
            while t < utc(2100, 12, 30, 0, 0) {
                assert_eq!(s.day_of(t), built_in.day_of(t));
                t += 7 * HOUR + 13 * MINUTE;
            }
        }
    }
}
