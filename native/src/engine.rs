//! The multi-timeframe (MTF) bar engine of one instrument.
//!
//! Fold-upward design: per tick only the shortest timeframe (the "root") is updated; a
//! longer timeframe keeps the aggregation of the completed bars of the timeframe it is
//! folded from, and its partial bar is materialised (accumulation + the source's partial)
//! whenever control returns to JS, so every state JS can observe is exact. A timeframe
//! whose boundaries are not boundaries of any shorter one (e.g. 3m beside 2m) is a root
//! of its own and is updated per tick.
//!
//! Completion: a bar is completed by the first tick at or after its period end (or by
//! `advance_to` / `flush`), never earlier. A stop for a bar close or a timer happens
//! *before* the closing tick is applied (the strategy sees the completed bar, not the
//! price of the tick that proved the period ended); a stop for a tick or a price crossing
//! happens *after* the tick is applied.

use crate::execution::{Broker, ExecOptions, Extremes};
use crate::layout::*;
use crate::session::Session;
use crate::timeframe::{parse_list, Timeframe, DEFAULT_TIMEFRAMES};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceSource {
    Last,
    Bid,
    Ask,
    Mid,
}

impl PriceSource {
    pub fn parse(s: &str) -> Result<PriceSource, String> {
        match s {
            "last" => Ok(PriceSource::Last),
            "bid" => Ok(PriceSource::Bid),
            "ask" => Ok(PriceSource::Ask),
            "mid" => Ok(PriceSource::Mid),
            _ => Err(format!("priceSource \"{}\": expected \"last\", \"bid\", \"ask\" or \"mid\"", s)),
        }
    }
}

pub const DEFAULT_DEPTH: usize = 1000;
/// State memory is limited to 1 GiB.
const MAX_STATE_BYTES: usize = 1 << 30;

#[derive(Clone, Debug)]
pub struct Options {
    pub timeframes: Vec<String>,
    /// Completed bars kept per timeframe.
    pub depth: usize,
    pub price_source: PriceSource,
    /// Bar time = period end (true) or start (false, default).
    pub bar_time_end: bool,
    /// Open = previous bar's close (true) or first tick (false, default).
    pub open_prev_close: bool,
    /// Empty periods filled forward with flat bars (true) or skipped (false, default).
    pub fill_forward: bool,
    pub session: Session,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeframes: DEFAULT_TIMEFRAMES.iter().map(|s| s.to_string()).collect(),
            depth: DEFAULT_DEPTH,
            price_source: PriceSource::Last,
            bar_time_end: false,
            open_prev_close: false,
            fill_forward: false,
            session: Session::default(),
        }
    }
}

/// One batch of ticks as columns. Absent columns are `None`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Batch<'a> {
    pub time: &'a [i64],
    pub price: Option<&'a [f64]>,
    pub size: Option<&'a [f64]>,
    pub bid: Option<&'a [f64]>,
    pub ask: Option<&'a [f64]>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Bar {
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    ticks: f64,
    last: i64,
}

impl Bar {
    /// Folds one tick (price, size, time) into the bar; the hot loop's only bar update.
    #[inline(always)]
    fn absorb(&mut self, p: f64, s: f64, t: i64) {
        if p > self.high {
            self.high = p;
        }
        if p < self.low {
            self.low = p;
        }
        self.close = p;
        self.volume += s;
        self.ticks += 1.0;
        self.last = t;
    }

    fn merge(&mut self, o: &Bar) {
        if o.high > self.high {
            self.high = o.high;
        }
        if o.low < self.low {
            self.low = o.low;
        }
        self.close = o.close;
        self.volume += o.volume;
        self.ticks += o.ticks;
        self.last = o.last;
    }
}

#[derive(Clone, Debug)]
struct Tf {
    tf: Timeframe,
    /// The shorter timeframe this one is folded from; None for a root.
    src: Option<usize>,
    open: bool,
    start: i64,
    end: i64,
    /// Root: the partial bar. Folded: the aggregation of the completed source bars of
    /// the current period (valid when `has_acc`).
    bar: Bar,
    has_acc: bool,
    /// The period changed since the partial record's times were last written.
    period_dirty: bool,
    completed: u64,
    last_end: i64,
    has_prev: bool,
    prev_close: f64,
    prev_last: i64,
}

pub struct Engine {
    opts: Options,
    tfs: Vec<Tf>,
    roots: Vec<usize>,
    depth: usize,
    clock: i64,
    ticks: u64,
    last_price: f64,
    next_check: i64,
    sub_close_mask: u64,
    every_tick: bool,
    levels: Vec<f64>,
    level_idx: usize,
    has_price: bool,
    up_trig: f64,
    down_trig: f64,
    timers: Vec<i64>,
    timer_idx: usize,
    finished: bool,
    /// Returns to JS since creation (H_STOPS).
    stops: u64,
    /// (day, start, end) of the last session looked up.
    session_cache: (i64, i64, i64),
    /// The simulated broker, matched in the same tick loop.
    pub broker: Broker,
}

fn set_f(mem: &mut [u64], i: usize, v: f64) {
    mem[i] = v.to_bits();
}
fn set_i(mem: &mut [u64], i: usize, v: i64) {
    mem[i] = v as u64;
}

/// The next f64 above `x` (for `p < next_up(x)` as `p <= x`); infinities and NaN unchanged.
fn next_up(x: f64) -> f64 {
    if x.is_nan() || x == f64::INFINITY {
        x
    } else if x == f64::NEG_INFINITY {
        f64::MIN
    } else if x == 0.0 {
        f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

fn read_partial(mem: &[u64], off: usize) -> Bar {
    let r: &[u64; RECORD] = (&mem[off..off + RECORD]).try_into().expect("record in bounds");
    Bar {
        open: f64::from_bits(r[R_OPEN]),
        high: f64::from_bits(r[R_HIGH]),
        low: f64::from_bits(r[R_LOW]),
        close: f64::from_bits(r[R_CLOSE]),
        volume: f64::from_bits(r[R_VOLUME]),
        ticks: f64::from_bits(r[R_TICKS]),
        last: r[R_LAST] as i64,
    }
}

/// Times from year 1 to year 9999 (UTC microseconds); outside, period arithmetic could overflow.
pub const MIN_TIME: i64 = -62_135_596_800_000_000;
pub const MAX_TIME: i64 = 253_402_300_799_999_999;

fn check_time_range(what: &str, t: i64) -> Result<(), String> {
    if (MIN_TIME..=MAX_TIME).contains(&t) {
        Ok(())
    } else {
        Err(format!(
            "{} is {} microseconds, outside years 1..9999; times are UTC microseconds since 1970",
            what, t
        ))
    }
}

/// Counters, flags and indexes are stored as f64 (exact integers) so that JS reads them
/// as numbers; times are i64.
fn set_n(mem: &mut [u64], i: usize, v: i64) {
    set_f(mem, i, v as f64);
}
/// Reads a counter slot (see `set_n`).
pub fn get_n(mem: &[u64], i: usize) -> i64 {
    get_f(mem, i) as i64
}

/// Reads slot `i` of the state memory as f64.
pub fn get_f(mem: &[u64], i: usize) -> f64 {
    f64::from_bits(mem[i])
}
/// Reads slot `i` of the state memory as i64.
pub fn get_i(mem: &[u64], i: usize) -> i64 {
    mem[i] as i64
}

impl Engine {
    pub fn new(opts: Options) -> Result<Engine, String> {
        let tfs = parse_list(&opts.timeframes)?;
        if opts.depth < 1 {
            return Err("depth: keep at least 1 completed bar per timeframe".into());
        }
        let bytes = total_slots(tfs.len(), opts.depth).checked_mul(8);
        if bytes.map_or(true, |b| b > MAX_STATE_BYTES) {
            return Err(format!(
                "depth {} with {} timeframes needs more than 1 GiB of state; use a smaller depth",
                opts.depth,
                tfs.len()
            ));
        }
        let mut list = Vec::with_capacity(tfs.len());
        let mut roots = Vec::new();
        for (i, tf) in tfs.iter().enumerate() {
            let src = (0..i).rev().find(|&j| tfs[j].nests_into(tf));
            if src.is_none() {
                roots.push(i);
            }
            list.push(Tf {
                tf: tf.clone(),
                src,
                open: false,
                start: 0,
                end: 0,
                bar: Bar::default(),
                has_acc: false,
                period_dirty: false,
                completed: 0,
                last_end: i64::MIN,
                has_prev: false,
                prev_close: 0.0,
                prev_last: 0,
            });
        }
        let depth = opts.depth;
        let broker = Broker::new(ExecOptions::default(), opts.session.clone())?;
        Ok(Engine {
            opts,
            tfs: list,
            roots,
            depth,
            clock: i64::MIN,
            ticks: 0,
            last_price: f64::NAN,
            next_check: i64::MIN,
            sub_close_mask: 0,
            every_tick: false,
            levels: Vec::new(),
            level_idx: 0,
            has_price: false,
            up_trig: f64::INFINITY,
            down_trig: f64::NEG_INFINITY,
            timers: Vec::new(),
            timer_idx: 0,
            finished: false,
            stops: 0,
            session_cache: (0, 0, 0),
            broker,
        })
    }

    /// Size of the state memory in 8-byte slots.
    pub fn state_slots(&self) -> usize {
        total_slots(self.tfs.len(), self.depth)
    }

    pub fn timeframe_labels(&self) -> Vec<String> {
        self.tfs.iter().map(|t| t.tf.label.clone()).collect()
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Index of a timeframe label (`"4h"` finds `"4H"`).
    pub fn timeframe_index(&self, label: &str) -> Result<usize, String> {
        let tf = Timeframe::parse(label)?;
        self.tfs.iter().position(|t| t.tf.label == tf.label).ok_or_else(|| {
            format!(
                "timeframe \"{}\" is not one of this engine's timeframes ({})",
                label,
                self.timeframe_labels().join(", ")
            )
        })
    }

    /// Writes the constant parts of the header; call once on fresh (zeroed) memory.
    pub fn init_state(&self, mem: &mut [u64]) {
        mem.iter_mut().for_each(|s| *s = 0);
        let n = self.tfs.len();
        set_n(mem, H_TF_COUNT, n as i64);
        set_n(mem, H_DEPTH, self.depth as i64);
        set_i(mem, H_CLOCK, self.clock);
        set_f(mem, H_LAST_PRICE, f64::NAN);
        set_n(mem, H_EVENT_TICK, -1);
        set_n(mem, H_STOPS, self.stops as i64);
        set_n(mem, H_ACCOUNT_STOP, -1);
        set_n(mem, H_ACCOUNT, account_offset(n, self.depth) as i64);
        for (i, t) in self.tfs.iter().enumerate() {
            set_i(mem, tf_header(i) + T_MICROS, t.tf.micros);
            set_n(mem, tf_header(i) + T_DAYS, t.tf.days);
            set_i(mem, tf_header(i) + T_CLOSED_AT, i64::MIN);
        }
    }

    /// Back to the state after `new`, keeping options, subscriptions, levels and timers
    /// (timers rewound).
    pub fn reset(&mut self, mem: &mut [u64]) -> Result<(), String> {
        let mut fresh = Engine::new(self.opts.clone())?;
        fresh.sub_close_mask = self.sub_close_mask;
        fresh.every_tick = self.every_tick;
        fresh.levels = std::mem::take(&mut self.levels);
        fresh.timers = std::mem::take(&mut self.timers);
        fresh.broker = Broker::new(self.broker.options().clone(), self.opts.session.clone())?;
        *self = fresh;
        self.update_triggers();
        self.init_state(mem);
        Ok(())
    }

    /// Replaces the broker (fill model, instrument, costs). Only before the first order.
    pub fn configure_execution(&mut self, o: ExecOptions) -> Result<(), String> {
        if !self.broker.events.is_empty() {
            return Err("configureExecution: orders were already sent to this engine; configure before the first order (or reset())".into());
        }
        self.broker = Broker::new(o, self.opts.session.clone())?;
        Ok(())
    }

    /// Order commands (`execution::layout::ORDER_SLOTS` slots each) sent at the engine
    /// clock. Every command gives an event (accepted or rejected with a reason).
    pub fn submit(&mut self, records: &[u64]) -> Result<usize, String> {
        use crate::execution::layout::ORDER_SLOTS;
        if records.len() % ORDER_SLOTS != 0 {
            return Err(format!(
                "orders has {} slots, not a multiple of ORDER_SLOTS ({}); one order command is {} slots",
                records.len(),
                ORDER_SLOTS,
                ORDER_SLOTS
            ));
        }
        if self.finished {
            return Err("the engine was flushed (end of data); call reset() or create a new engine".into());
        }
        let now = if self.clock == i64::MIN { MIN_TIME } else { self.clock };
        self.broker.seq = self.ticks;
        self.broker.bars = self.tfs[self.roots[0]].completed;
        for r in records.chunks_exact(ORDER_SLOTS) {
            self.broker.command(r, now);
        }
        self.next_check = self.next_check.min(self.broker.next_time);
        Ok(records.len() / ORDER_SLOTS)
    }

    pub fn subscribe(&mut self, bar_close_mask: u64, every_tick: bool) {
        self.sub_close_mask = bar_close_mask;
        self.every_tick = every_tick;
        self.update_triggers();
    }

    /// Price levels whose crossing wakes JS. Sorted and de-duplicated here.
    pub fn set_levels(&mut self, levels: &[f64]) -> Result<(), String> {
        if let Some(k) = levels.iter().position(|l| !l.is_finite()) {
            return Err(format!("levels: level {} is {}; levels must be finite numbers", k, levels[k]));
        }
        let mut v = levels.to_vec();
        v.sort_by(|a, b| a.total_cmp(b));
        v.dedup();
        self.levels = v;
        if !self.last_price.is_nan() {
            let p = self.last_price;
            self.level_idx = self.levels.partition_point(|l| *l <= p);
            self.has_price = true;
        }
        self.update_triggers();
        Ok(())
    }

    /// Times (UTC micros) that wake JS at the first tick at or after them (or an
    /// `advance_to` past them). Replaces the previous timers.
    pub fn set_timers(&mut self, timers: &[i64]) {
        let mut v = timers.to_vec();
        v.sort_unstable();
        self.timers = v;
        self.timer_idx = 0;
        self.next_check = i64::MIN;
    }

    fn update_triggers(&mut self) {
        if self.every_tick || (!self.has_price && !self.levels.is_empty()) {
            self.up_trig = f64::NEG_INFINITY;
            self.down_trig = f64::NEG_INFINITY;
            return;
        }
        self.up_trig = self.levels.get(self.level_idx).copied().unwrap_or(f64::INFINITY);
        self.down_trig = if self.level_idx > 0 { self.levels[self.level_idx - 1] } else { f64::NEG_INFINITY };
    }

    /// Checks a batch before any of it is applied: equal lengths, the arrays the price
    /// source needs, times sorted, prices and sizes finite and not negative.
    pub fn validate(&self, b: &Batch) -> Result<(), String> {
        let n = b.time.len();
        let cols = [("price", b.price), ("size", b.size), ("bid", b.bid), ("ask", b.ask)];
        for (name, col) in cols {
            if let Some(c) = col {
                if c.len() != n {
                    return Err(format!("{} has {} elements but time has {}; all columns must have the same length", name, c.len(), n));
                }
            }
        }
        let needed: &[(&str, Option<&[f64]>)] = match self.opts.price_source {
            PriceSource::Last => &[("price", b.price)],
            PriceSource::Bid => &[("bid", b.bid)],
            PriceSource::Ask => &[("ask", b.ask)],
            PriceSource::Mid => &[("bid", b.bid), ("ask", b.ask)],
        };
        for (name, col) in needed {
            let src = format!("{:?}", self.opts.price_source).to_lowercase();
            let c = col.ok_or_else(|| format!("priceSource \"{}\" needs a {} column (Float64Array)", src, name))?;
            if let Some(k) = c.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
                return Err(format!("tick {}: {} is {}; prices must be finite and not negative", k, name, c[k]));
            }
        }
        if self.broker.quotes() && self.opts.price_source != PriceSource::Mid {
            for (name, col) in [("bid", b.bid), ("ask", b.ask)] {
                let c = col.ok_or_else(|| format!("the quote fill model needs a {} column (Float64Array)", name))?;
                if let Some(k) = c.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
                    return Err(format!("tick {}: {} is {}; prices must be finite and not negative", k, name, c[k]));
                }
            }
        }
        if let Some(s) = b.size {
            if let Some(k) = s.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
                return Err(format!("tick {}: size is {}; sizes must be finite and not negative", k, s[k]));
            }
        }
        if let Some(k) = (1..n).find(|&k| b.time[k] < b.time[k - 1]) {
            return Err(format!(
                "ticks must be sorted by time: tick {} ({}) is earlier than tick {} ({})",
                k,
                b.time[k],
                k - 1,
                b.time[k - 1]
            ));
        }
        // Sorted: the first and the last tick bound all the others.
        for k in [0, n.saturating_sub(1)] {
            if n > 0 {
                check_time_range(&format!("tick {}: time", k), b.time[k])?;
            }
        }
        Ok(())
    }

    fn check_mem(&self, mem: &[u64]) -> Result<(), String> {
        if mem.len() != self.state_slots() {
            return Err(format!("state memory has {} slots, the engine needs {}", mem.len(), self.state_slots()));
        }
        if self.finished {
            return Err("the engine was flushed (end of data); call reset() or create a new engine".into());
        }
        Ok(())
    }

    fn clear_event(mem: &mut [u64]) {
        for i in [H_EVENT, H_CLOSED_MASK, H_CROSS_DIR, H_CROSS_FIRST, H_CROSS_COUNT, H_TIMER_COUNT] {
            mem[i] = 0;
        }
        set_n(mem, H_EVENT_TICK, -1);
    }

    /// Moves the clock to `t` without a tick (e.g. a session close): completes bars whose
    /// period ended at or before `t` and fires timers. Later ticks must not be before `t`.
    pub fn advance_to(&mut self, mem: &mut [u64], t: i64) -> Result<(), String> {
        self.check_mem(mem)?;
        if t < self.clock {
            return Err(format!("advanceTo({}) is earlier than the engine clock ({})", t, self.clock));
        }
        check_time_range("advanceTo: time", t)?;
        Self::clear_event(mem);
        self.on_time(mem, t, None, -1);
        self.broker.seq = self.ticks;
        self.broker.bars = self.tfs[self.roots[0]].completed;
        if self.broker.on_time(t) && self.broker.options().wake {
            self.order_event(mem, t, -1);
        }
        self.sync(mem);
        Ok(())
    }

    /// End of data: completes every partial bar. The engine accepts no ticks afterwards
    /// (until `reset`).
    pub fn flush(&mut self, mem: &mut [u64]) -> Result<(), String> {
        self.check_mem(mem)?;
        Self::clear_event(mem);
        let mut closed: u64 = 0;
        let at = self.clock;
        for i in 0..self.tfs.len() {
            if self.tfs[i].open {
                self.complete(mem, i, at);
                closed |= 1 << i;
            }
        }
        set_n(mem, H_EVENT, EV_FLUSH);
        set_n(mem, H_CLOSED_MASK, closed as i64);
        self.sync(mem);
        self.finished = true;
        Ok(())
    }

    /// Writes the partial bars and the header so that JS sees the exact state.
    fn sync(&mut self, mem: &mut [u64]) {
        let n = self.tfs.len();
        // Bit i: timeframe i's partial record was written by this sync (its source's
        // materialised partial is read back from there).
        let mut has: u64 = 0;
        let base = partial(n, 0);
        let bar_time_end = self.opts.bar_time_end;
        for i in 0..n {
            let hdr = tf_header(i) + T_HAS_PARTIAL;
            let t = &mut self.tfs[i];
            let below = t.src.filter(|s| has >> s & 1 == 1).map(|s| read_partial(mem, base + s * RECORD));
            let b = match (t.open, t.src.is_none(), t.has_acc, below) {
                (false, ..) => None,
                (true, true, ..) => Some(t.bar),
                (true, false, true, Some(lower)) => {
                    let mut a = t.bar;
                    a.merge(&lower);
                    Some(a)
                }
                (true, false, true, None) => Some(t.bar),
                (true, false, false, lower) => lower,
            };
            let Some(b) = b else {
                mem[hdr] = 0;
                continue;
            };
            has |= 1 << i;
            let off = base + i * RECORD;
            let r: &mut [u64; RECORD] = (&mut mem[off..off + RECORD]).try_into().expect("record in bounds");
            r[R_OPEN] = b.open.to_bits();
            r[R_HIGH] = b.high.to_bits();
            r[R_LOW] = b.low.to_bits();
            r[R_CLOSE] = b.close.to_bits();
            r[R_VOLUME] = b.volume.to_bits();
            r[R_TICKS] = b.ticks.to_bits();
            r[R_LAST] = b.last as u64;
            if t.period_dirty {
                r[R_TIME] = (if bar_time_end { t.end } else { t.start }) as u64;
                r[R_START] = t.start as u64;
                r[R_END] = t.end as u64;
                t.period_dirty = false;
            }
            mem[hdr] = 1f64.to_bits();
        }
        set_n(mem, H_TICKS, self.ticks as i64);
        set_i(mem, H_CLOCK, self.clock);
        set_f(mem, H_LAST_PRICE, self.last_price);
        self.stops += 1;
        set_n(mem, H_STOPS, self.stops as i64);
        // The account where JS samples it (bar closes, end of data): no native call to read it
        // there; other stops leave it stale (H_ACCOUNT_STOP != H_STOPS) and cost nothing.
        if f64::from_bits(mem[H_EVENT]) as i64 & (EV_BAR_CLOSE | EV_FLUSH) != 0 {
            self.write_account(mem);
        }
    }

    /// Writes the broker's account into the account block and marks it current (H_ACCOUNT_STOP).
    pub fn write_account(&self, mem: &mut [u64]) {
        let a = self.broker.account();
        let o = account_offset(self.tfs.len(), self.depth);
        for (slot, v) in mem[o..o + ACCOUNT_BLOCK].iter_mut().zip(a) {
            *slot = v.to_bits();
        }
        set_n(mem, H_ACCOUNT_STOP, self.stops as i64);
    }
}

mod bar_close;
mod tick_loop;

#[cfg(test)]
mod tests;
