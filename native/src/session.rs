//! Session (trading day) boundaries per instrument.
//!
//! A session spec is `"HH:MM ZONE"`: the local time at which each session starts, and
//! the zone, one of `UTC`, a fixed offset `UTC+HH:MM` / `UTC-HH:MM`, or
//! `America/New_York` (US daylight-saving rules: since 2007 from the 2nd Sunday of March
//! to the 1st Sunday of November at 02:00 local; 1987-2006 from the 1st Sunday of April
//! to the last Sunday of October; 1967-1986 from the last Sunday of April, with the 1974
//! and 1975 exceptions; earlier years use the 1967 rule). The default is
//! `"00:00 UTC"`. Sessions tile time without gaps: session `d` runs from `start(d)` to
//! `start(d + 1)`, so a New York session spanning a daylight-saving change lasts 23 or
//! 25 hours.

use crate::timeframe::MICROS_PER_DAY;

const HOUR: i64 = 3_600_000_000;
const MINUTE: i64 = 60_000_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zone {
    /// Fixed offset from UTC in microseconds (local = utc + offset).
    Fixed(i64),
    /// America/New_York with US daylight-saving rules.
    NewYork,
}

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

impl Session {
    pub fn parse(spec: &str) -> Result<Session, String> {
        let err = || {
            format!(
                "session \"{}\": expected \"HH:MM ZONE\" with ZONE UTC, UTC+HH:MM, UTC-HH:MM or \
                 America/New_York (e.g. \"00:00 UTC\", \"17:00 America/New_York\")",
                spec
            )
        };
        let mut parts = spec.split_whitespace();
        let (time, zone) = match (parts.next(), parts.next(), parts.next()) {
            (Some(t), Some(z), None) => (t, z),
            _ => return Err(err()),
        };
        let local_start = parse_hhmm(time).ok_or_else(err)?;
        let zone = if zone == "UTC" {
            Zone::Fixed(0)
        } else if zone == "America/New_York" {
            Zone::NewYork
        } else if let Some(rest) = zone.strip_prefix("UTC+") {
            Zone::Fixed(parse_hhmm(rest).filter(|o| *o <= 14 * HOUR).ok_or_else(err)?)
        } else if let Some(rest) = zone.strip_prefix("UTC-") {
            Zone::Fixed(-parse_hhmm(rest).filter(|o| *o <= 14 * HOUR).ok_or_else(err)?)
        } else {
            return Err(err());
        };
        Ok(Session { local_start, zone })
    }

    /// UTC start of session `day` (days counted from 1970-01-01 in local dates).
    pub fn start(&self, day: i64) -> i64 {
        let local = day * MICROS_PER_DAY + self.local_start;
        match self.zone {
            Zone::Fixed(off) => local - off,
            Zone::NewYork => new_york_local_to_utc(local),
        }
    }

    /// The session day containing the UTC time `t`: `start(d) <= t < start(d + 1)`.
    pub fn day_of(&self, t: i64) -> i64 {
        match self.zone {
            Zone::Fixed(off) => (t + off - self.local_start).div_euclid(MICROS_PER_DAY),
            Zone::NewYork => {
                let mut d = (t - 5 * HOUR - self.local_start).div_euclid(MICROS_PER_DAY);
                while self.start(d + 1) <= t {
                    d += 1;
                }
                while self.start(d) > t {
                    d -= 1;
                }
                d
            }
        }
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
        for bad in ["", "17:00", "25:00 UTC", "17:00 Europe/London", "17:00 UTC+15:00", "1700 UTC"] {
            assert!(Session::parse(bad).unwrap_err().contains("session"), "{bad}");
        }
    }
}
