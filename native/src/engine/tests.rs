use super::*;
use crate::session::days_from_civil;
use crate::timeframe::MICROS_PER_DAY;
use crate::zone_table::ZoneTable;

const MIN: i64 = 60_000_000;
const HOUR: i64 = 60 * MIN;

/// xorshift64*: a tiny deterministic generator for property tests.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, PartialEq, Clone, Copy)]
struct RefBar {
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    ticks: f64,
    start: i64,
    end: i64,
    last: i64,
}

fn read(mem: &[u64], off: usize) -> RefBar {
    RefBar {
        open: get_f(mem, off + R_OPEN),
        high: get_f(mem, off + R_HIGH),
        low: get_f(mem, off + R_LOW),
        close: get_f(mem, off + R_CLOSE),
        volume: get_f(mem, off + R_VOLUME),
        ticks: get_f(mem, off + R_TICKS),
        start: get_i(mem, off + R_START),
        end: get_i(mem, off + R_END),
        last: get_i(mem, off + R_LAST),
    }
}

/// Straightforward aggregation of `ticks` into the bars of one timeframe, independent
/// of the engine's fold logic (uses only `Session`).
fn reference(ticks: &[(i64, f64, f64)], tf: &Timeframe, s: &Session, open_prev: bool) -> Vec<RefBar> {
    let mut out: Vec<RefBar> = Vec::new();
    for &(t, p, v) in ticks {
        let d = s.day_of(t);
        let (st, en) = if tf.days > 0 {
            let g = d.div_euclid(tf.days) * tf.days;
            (s.start(g), s.start(g + tf.days))
        } else {
            let ss = s.start(d);
            let k = (t - ss) / tf.micros;
            (ss + k * tf.micros, (ss + (k + 1) * tf.micros).min(s.start(d + 1)))
        };
        match out.last_mut() {
            Some(b) if b.start == st => {
                b.high = b.high.max(p);
                b.low = b.low.min(p);
                b.close = p;
                b.volume += v;
                b.ticks += 1.0;
                b.last = t;
            }
            prev => {
                let o = match (open_prev, prev) {
                    (true, Some(pb)) => pb.close,
                    _ => p,
                };
                out.push(RefBar { open: o, high: o.max(p), low: o.min(p), close: p, volume: v, ticks: 1.0, start: st, end: en, last: t });
            }
        }
    }
    out
}

/// A session spec; `Europe/London` comes with its table of 2012-2014 (BST from the last Sunday
/// of March to the last Sunday of October, 01:00 UTC).
fn test_session(spec: &str) -> Session {
    if !spec.ends_with("Europe/London") {
        return Session::parse(spec).unwrap();
    }
    let at = |y, m, d| days_from_civil(y, m, d) * MICROS_PER_DAY + HOUR;
    let mut pairs = vec![at(2011, 10, 30), 0];
    for (y, m, d) in [(2012, 3, 25), (2012, 10, 28), (2013, 3, 31), (2013, 10, 27), (2014, 3, 30), (2014, 10, 26)] {
        pairs.extend([at(y, m, d), if m == 3 { 3600 } else { 0 }]);
    }
    Session::with_table(spec, Some(ZoneTable::new("Europe/London", &pairs).unwrap())).unwrap()
}

fn engine(tfs: &[&str], depth: usize, session: &str, open_prev: bool) -> (Engine, Vec<u64>) {
    let opts = Options {
        timeframes: tfs.iter().map(|s| s.to_string()).collect(),
        depth,
        open_prev_close: open_prev,
        session: test_session(session),
        ..Options::default()
    };
    let e = Engine::new(opts).unwrap();
    let mut mem = vec![0u64; e.state_slots()];
    e.init_state(&mut mem);
    (e, mem)
}

/// Feeds `ticks` one wake-up per tick and checks after every tick: each partial bar is the
/// aggregation of the ticks so far in its period, and exactly the earlier periods are completed.
fn check_stream(ticks: &[(i64, f64, f64)], tfs: &[&str], session: &str, open_prev: bool) {
    let depth = 4;
    let (mut e, mut mem) = engine(tfs, depth, session, open_prev);
    e.subscribe(0, true);
    let time: Vec<i64> = ticks.iter().map(|t| t.0).collect();
    let price: Vec<f64> = ticks.iter().map(|t| t.1).collect();
    let size: Vec<f64> = ticks.iter().map(|t| t.2).collect();
    let b = Batch { time: &time, price: Some(&price), size: Some(&size), ..Batch::default() };
    e.validate(&b).unwrap();
    let s = test_session(session);
    let n = e.tfs.len();
    let mut k = 0;
    while k < ticks.len() {
        let next = e.run(&mut mem, &b, k).unwrap();
        assert_eq!(next, k + 1, "every-tick subscription stops after each tick");
        assert_eq!(get_n(&mem, H_EVENT) & EV_TICK, EV_TICK);
        for i in 0..n {
            let tf = e.tfs[i].tf.clone();
            let want = reference(&ticks[..=k], &tf, &s, open_prev);
            let part = read(&mem, partial(n, i));
            assert_eq!(get_n(&mem, tf_header(i) + T_HAS_PARTIAL), 1);
            assert_eq!(part, *want.last().unwrap(), "partial {} after tick {}", tf.label, k);
            let completed = get_n(&mem, tf_header(i) + T_COMPLETED) as usize;
            assert_eq!(completed, want.len() - 1, "completed {} after tick {}", tf.label, k);
            for c in completed.saturating_sub(depth)..completed {
                assert_eq!(read(&mem, ring(n, depth, i, c % depth)), want[c], "{} bar {}", tf.label, c);
            }
        }
        k = next;
    }
}

fn random_stream(rng: &mut Rng, len: usize, start: i64) -> Vec<(i64, f64, f64)> {
    let mut t = start;
    let mut p = 100.0;
    let mut v = Vec::with_capacity(len);
    for _ in 0..len {
        t += match rng.below(10) {
            0 => 0,                                      // equal timestamps
            1 => (rng.below(4) as i64 + 1) * MICROS_PER_DAY, // gaps of days
            2 => MIN - t.rem_euclid(MIN),                 // exactly on a minute boundary
            3 => HOUR - t.rem_euclid(HOUR),              // exactly on an hour boundary
            4 => rng.below(6 * HOUR as u64) as i64,
            _ => rng.below(40_000_000) as i64,
        };
        p = (p + (rng.below(21) as f64 - 10.0) * 0.25).max(0.0);
        v.push((t, p, rng.below(500) as f64));
    }
    v
}

#[test]
fn random_and_adversarial_streams_match_the_reference() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let base = days_from_civil(2013, 3, 7) * MICROS_PER_DAY; // spans the March DST change
    for round in 0..12 {
        let ticks = random_stream(&mut rng, 300, base + round * 1_234_567);
        check_stream(&ticks, &["1m", "5m", "15m", "1H", "4H", "1D"], "00:00 UTC", false);
        check_stream(&ticks, &["30s", "2m", "3m", "7m", "2H", "1D", "2D"], "17:00 America/New_York", round % 2 == 0);
        // A zone from its table, with the session start in the hour skipped on 31 March.
        check_stream(&ticks, &["1m", "7m", "1H", "4H", "1D", "2D"], "01:30 Europe/London", round % 2 == 1);
    }
}

#[test]
fn single_tick_and_empty_input() {
    check_stream(&[(5 * MIN + 1, 1.5, 2.0)], &["1m", "1D"], "00:00 UTC", false);
    let (mut e, mut mem) = engine(&["1m"], 3, "00:00 UTC", false);
    let b = Batch { time: &[], price: Some(&[]), ..Batch::default() };
    e.validate(&b).unwrap();
    assert_eq!(e.run(&mut mem, &b, 0).unwrap(), 0);
    assert_eq!(get_n(&mem, tf_header(0) + T_HAS_PARTIAL), 0);
    assert_eq!(get_n(&mem, H_TICKS), 0);
}

#[test]
fn a_bar_completes_only_at_the_first_tick_at_or_after_its_end() {
    let (mut e, mut mem) = engine(&["1m", "5m"], 8, "00:00 UTC", false);
    e.subscribe(0b11, false);
    let time = [10, MIN - 1, MIN, MIN + 5, 5 * MIN];
    let price = [1.0, 2.0, 3.0, 4.0, 5.0];
    let b = Batch { time: &time, price: Some(&price), ..Batch::default() };
    assert_eq!(e.run(&mut mem, &b, 0).unwrap(), 2, "stops before the tick at 1:00 that closes the first minute");
    assert_eq!(get_n(&mem, H_EVENT), EV_BAR_CLOSE);
    assert_eq!(get_n(&mem, H_EVENT_TICK), 2);
    assert_eq!(get_n(&mem, H_CLOSED_MASK), 0b01);
    assert_eq!(get_n(&mem, tf_header(0) + T_COMPLETED), 1);
    assert_eq!(get_n(&mem, tf_header(0) + T_HAS_PARTIAL), 0);
    assert_eq!(get_f(&mem, H_LAST_PRICE), 2.0, "the closing tick is not applied yet");
    let p5 = read(&mem, partial(2, 1));
    assert_eq!((p5.open, p5.high, p5.close, p5.ticks), (1.0, 2.0, 2.0, 2.0));
    assert_eq!(e.run(&mut mem, &b, 2).unwrap(), 4);
    assert_eq!(get_n(&mem, H_CLOSED_MASK), 0b11);
    assert_eq!(e.run(&mut mem, &b, 4).unwrap(), 5);
    assert_eq!(get_n(&mem, H_EVENT), 0);
    e.flush(&mut mem).unwrap();
    assert_eq!(get_n(&mem, tf_header(1) + T_COMPLETED), 2);
    assert!(e.run(&mut mem, &b, 5).unwrap_err().contains("flushed"));
}

#[test]
fn options_bar_time_end_and_fill_forward() {
    let opts = Options {
        timeframes: vec!["1m".into(), "1H".into()],
        depth: 100,
        bar_time_end: true,
        fill_forward: true,
        ..Options::default()
    };
    let mut e = Engine::new(opts).unwrap();
    let mut mem = vec![0u64; e.state_slots()];
    e.init_state(&mut mem);
    let time = [30_000_000, 4 * MIN + 1];
    let price = [1.0, 2.0];
    let b = Batch { time: &time, price: Some(&price), ..Batch::default() };
    assert_eq!(e.run(&mut mem, &b, 0).unwrap(), 2);
    assert_eq!(get_n(&mem, tf_header(0) + T_COMPLETED), 4, "minute 0 plus 3 flat minutes");
    for c in 1..4 {
        let r = read(&mem, ring(2, 100, 0, c));
        assert_eq!((r.open, r.high, r.low, r.close, r.ticks), (1.0, 1.0, 1.0, 1.0, 0.0));
        assert_eq!(r.start, c as i64 * MIN);
        assert_eq!(get_i(&mem, ring(2, 100, 0, c) + R_TIME), (c as i64 + 1) * MIN);
    }
    assert_eq!(get_i(&mem, partial(2, 1) + R_TIME), HOUR);
    e.advance_to(&mut mem, HOUR).unwrap();
    assert_eq!(get_n(&mem, H_CLOSED_MASK), 0b11);
    assert_eq!(get_n(&mem, tf_header(1) + T_COMPLETED), 1);
    assert!(e.advance_to(&mut mem, HOUR - 1).unwrap_err().contains("earlier"));
}

#[test]
fn price_crossings_and_timers() {
    let (mut e, mut mem) = engine(&["1m"], 4, "00:00 UTC", false);
    e.set_levels(&[1.5, 2.5, 0.5]).unwrap();
    e.set_timers(&[3 * MIN]);
    let time = [0, 1, 2, 3, 3 * MIN, 3 * MIN + 1];
    let price = [1.0, 1.2, 3.0, 1.0, 1.0, 1.0];
    let b = Batch { time: &time, price: Some(&price), ..Batch::default() };
    assert_eq!(e.run(&mut mem, &b, 0).unwrap(), 3);
    assert_eq!(get_n(&mem, H_EVENT), EV_CROSS);
    assert_eq!((get_n(&mem, H_CROSS_DIR), get_n(&mem, H_CROSS_FIRST), get_n(&mem, H_CROSS_COUNT)), (1, 1, 2));
    assert_eq!(e.run(&mut mem, &b, 3).unwrap(), 4);
    assert_eq!((get_n(&mem, H_CROSS_DIR), get_n(&mem, H_CROSS_FIRST), get_n(&mem, H_CROSS_COUNT)), (-1, 2, 2));
    assert_eq!(e.run(&mut mem, &b, 4).unwrap(), 4, "timer fires before the tick at 3:00");
    assert_eq!(get_n(&mem, H_EVENT), EV_TIMER);
    assert_eq!(get_i(&mem, H_TIMER_TIME), 3 * MIN);
    assert_eq!(e.run(&mut mem, &b, 4).unwrap(), 6);
}

#[test]
fn bad_batches_are_rejected_naming_the_tick() {
    let (mut e, mut mem) = engine(&["1m"], 4, "00:00 UTC", false);
    let b = Batch { time: &[1, 3, 2], price: Some(&[1.0, 1.0, 1.0]), ..Batch::default() };
    assert!(e.validate(&b).unwrap_err().contains("tick 2 (2) is earlier than tick 1 (3)"));
    let b = Batch { time: &[1, 2], price: Some(&[1.0, f64::NAN]), ..Batch::default() };
    assert!(e.validate(&b).unwrap_err().contains("tick 1: price is NaN"));
    let b = Batch { time: &[1, 2], price: Some(&[-1.0, 1.0]), ..Batch::default() };
    assert!(e.validate(&b).unwrap_err().contains("tick 0: price is -1"));
    let b = Batch { time: &[1, i64::MAX], price: Some(&[1.0, 1.0]), ..Batch::default() };
    assert!(e.validate(&b).unwrap_err().contains("tick 1: time is 9223372036854775807 microseconds, outside years 1..9999"));
    let b = Batch { time: &[1, 2], price: Some(&[1.0]), ..Batch::default() };
    assert!(e.validate(&b).unwrap_err().contains("price has 1 elements but time has 2"));
    let b = Batch { time: &[1, 2], bid: Some(&[1.0, 1.0]), ..Batch::default() };
    assert!(e.validate(&b).unwrap_err().contains("needs a price column"));
    let ok = Batch { time: &[5, 6], price: Some(&[1.0, 1.0]), ..Batch::default() };
    e.run(&mut mem, &ok, 0).unwrap();
    let earlier = Batch { time: &[4], price: Some(&[1.0]), ..Batch::default() };
    assert!(e.run(&mut mem, &earlier, 0).unwrap_err().contains("tick 0 (4) is earlier than the engine clock (6)"));
    assert!(Engine::new(Options { timeframes: vec!["5x".into()], ..Options::default() }).is_err());
}

#[test]
fn mid_prices_and_determinism() {
    let run_once = || {
        let opts = Options { price_source: PriceSource::Mid, ..Options::default() };
        let mut e = Engine::new(opts).unwrap();
        let mut mem = vec![0u64; e.state_slots()];
        e.init_state(&mut mem);
        let mut rng = Rng(7);
        let ticks = random_stream(&mut rng, 5000, 1_400_000_000_000_000);
        let time: Vec<i64> = ticks.iter().map(|t| t.0).collect();
        let bid: Vec<f64> = ticks.iter().map(|t| t.1).collect();
        let ask: Vec<f64> = ticks.iter().map(|t| t.1 + 0.1).collect();
        let b = Batch { time: &time, bid: Some(&bid), ask: Some(&ask), ..Batch::default() };
        e.validate(&b).unwrap();
        assert_eq!(e.run(&mut mem, &b, 0).unwrap(), time.len());
        assert_eq!(get_f(&mem, H_LAST_PRICE), (bid[4999] + ask[4999]) * 0.5);
        mem
    };
    assert_eq!(run_once(), run_once());
}

/// Reference with empty periods filled forward: flat bars at the previous close.
fn reference_filled(ticks: &[(i64, f64, f64)], tf: &Timeframe, s: &Session) -> Vec<RefBar> {
    let bars = reference(ticks, tf, s, false);
    let mut out: Vec<RefBar> = Vec::new();
    for b in bars {
        if let Some(prev) = out.last().copied() {
            let mut end = prev.end;
            while end < b.start {
                let (ps, pe) = {
                    let one = reference(&[(end, 0.0, 0.0)], tf, s, false);
                    (one[0].start, one[0].end)
                };
                let c = prev.close;
                out.push(RefBar { open: c, high: c, low: c, close: c, volume: 0.0, ticks: 0.0, start: ps, end: pe, last: prev.last });
                end = pe;
            }
        }
        out.push(b);
    }
    out
}

#[test]
fn fill_forward_streams_match_the_reference() {
    let mut rng = Rng(42);
    let base = days_from_civil(2013, 10, 30) * MICROS_PER_DAY; // spans the November DST change
    for session in ["00:00 UTC", "17:00 America/New_York"] {
        let ticks = random_stream(&mut rng, 400, base);
        let labels = ["1m", "15m", "4H", "1D", "2D"];
        let opts = Options {
            timeframes: labels.iter().map(|l| l.to_string()).collect(),
            depth: 200_000,
            fill_forward: true,
            session: Session::parse(session).unwrap(),
            ..Options::default()
        };
        let mut e = Engine::new(opts).unwrap();
        let mut mem = vec![0u64; e.state_slots()];
        e.init_state(&mut mem);
        let time: Vec<i64> = ticks.iter().map(|t| t.0).collect();
        let price: Vec<f64> = ticks.iter().map(|t| t.1).collect();
        let size: Vec<f64> = ticks.iter().map(|t| t.2).collect();
        let b = Batch { time: &time, price: Some(&price), size: Some(&size), ..Batch::default() };
        e.validate(&b).unwrap();
        assert_eq!(e.run(&mut mem, &b, 0).unwrap(), ticks.len());
        e.flush(&mut mem).unwrap();
        let s = Session::parse(session).unwrap();
        for i in 0..labels.len() {
            let want = reference_filled(&ticks, &e.tfs[i].tf, &s);
            let n = get_n(&mem, tf_header(i) + T_COMPLETED) as usize;
            assert_eq!(n, want.len(), "{} {}", session, labels[i]);
            for (c, w) in want.iter().enumerate() {
                assert_eq!(read(&mem, ring(labels.len(), 200_000, i, c)), *w, "{} {} bar {}", session, labels[i], c);
            }
        }
    }
}

#[test]
fn levels_set_after_ticks_use_the_last_price() {
    let (mut e, mut mem) = engine(&["1m"], 4, "00:00 UTC", false);
    let b = Batch { time: &[0, 1], price: Some(&[1.0, 2.0]), ..Batch::default() };
    e.run(&mut mem, &b, 0).unwrap();
    e.set_levels(&[1.5]).unwrap();
    let b = Batch { time: &[2, 3], price: Some(&[1.7, 1.4]), ..Batch::default() };
    assert_eq!(e.run(&mut mem, &b, 0).unwrap(), 2, "1.7 is on the same side as 2.0; 1.4 crosses down");
    assert_eq!(get_n(&mem, H_CROSS_DIR), -1);
}
