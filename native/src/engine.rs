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

    /// Processes ticks `from..` of a validated batch until the end or a subscribed event.
    /// Returns the index to resume from (the batch length when done); the event is in the
    /// header (H_EVENT, 0 when the batch was finished without one).
    pub fn run(&mut self, mem: &mut [u64], b: &Batch, from: usize) -> Result<usize, String> {
        self.check_mem(mem)?;
        let n = b.time.len();
        if from > n {
            return Err(format!("from ({}) is past the end of the batch ({} ticks)", from, n));
        }
        Self::clear_event(mem);
        if from == n {
            self.sync(mem);
            return Ok(n);
        }
        if b.time[from] < self.clock {
            return Err(format!(
                "ticks must be sorted by time: tick {} ({}) is earlier than the engine clock ({}), \
                 the last tick applied or advanceTo",
                from, b.time[from], self.clock
            ));
        }
        let size = b.size.map(|s| &s[..n]);
        self.broker.sized = size.is_some();
        let t = &b.time[..n];
        let quotes = if self.broker.quotes() {
            match (b.bid, b.ask) {
                (Some(bi), Some(a)) => Some((&bi[..n], &a[..n])),
                _ => return Err("the quote fill model needs bid and ask columns".into()),
            }
        } else {
            None
        };
        macro_rules! go {
            ($price:expr) => {
                match (size, quotes) {
                    (Some(s), None) => self.run_loop::<_, false>(mem, t, from, |k| ($price(k), s[k]), &[], &[]),
                    (None, None) => self.run_loop::<_, false>(mem, t, from, |k| ($price(k), 0.0), &[], &[]),
                    (Some(s), Some((qb, qa))) => self.run_loop::<_, true>(mem, t, from, |k| ($price(k), s[k]), qb, qa),
                    (None, Some((qb, qa))) => self.run_loop::<_, true>(mem, t, from, |k| ($price(k), 0.0), qb, qa),
                }
            };
        }
        fn need(c: Option<&[f64]>, n: usize) -> Result<&[f64], String> {
            c.map(|c| &c[..n]).ok_or_else(|| "batch is missing a price column".to_string())
        }
        let k = match self.opts.price_source {
            PriceSource::Last => {
                let p = need(b.price, n)?;
                go!(|k: usize| p[k])
            }
            PriceSource::Bid => {
                let p = need(b.bid, n)?;
                go!(|k: usize| p[k])
            }
            PriceSource::Ask => {
                let p = need(b.ask, n)?;
                go!(|k: usize| p[k])
            }
            PriceSource::Mid => {
                let (bi, a) = (need(b.bid, n)?, need(b.ask, n)?);
                go!(|k: usize| (bi[k] + a[k]) * 0.5)
            }
        };
        Ok(k)
    }

    #[inline(always)]
    fn run_loop<F: Fn(usize) -> (f64, f64), const Q: bool>(
        &mut self,
        mem: &mut [u64],
        time: &[i64],
        from: usize,
        get: F,
        qb: &[f64],
        qa: &[f64],
    ) -> usize {
        let n = time.len();
        let r = self.roots[0];
        let extra = self.roots.len() > 1;
        let mut bar = self.tfs[r].bar;
        let mut next_check = self.next_check;
        let (mut up, mut down) = (self.up_trig, self.down_trig);
        // Broker triggers (see execution::Broker): buys watch the ask, sells the bid.
        let (mut bh, mut bl, mut sh, mut sl) = (self.broker.buy_hi, self.broker.buy_lo, self.broker.sell_hi, self.broker.sell_lo);
        let (mut xh, mut xl) = (bh.min(sh), bl.max(sl));
        // Trade model: one check per tick covers the level crossings and the broker.
        let merge = |u: f64, d: f64, xh: f64, xl: f64| if Q { (u, d) } else { (u.min(xh), d.max(next_up(xl))) };
        let (mut cu, mut cd) = merge(up, down, xh, xl);
        let mut ext = self.broker.ext;
        // Same length as `time`: lets the compiler drop the bounds checks in the loop.
        let (qb, qa) = if Q { (&qb[..n], &qa[..n]) } else { (qb, qa) };
        let quote = |k: usize, p: f64| if Q { (qb[k], qa[k]) } else { (p, p) };
        let mut k = from;
        let mut applied_from = from;
        macro_rules! leave {
            ($applied_to:expr, $ret:expr) => {{
                self.tfs[r].bar = bar;
                self.account(applied_from, $applied_to, time, &get);
                self.exec_leave(Self::trade_ext::<Q>(ext), $applied_to, |j| quote(j, get(j).0));
                self.sync(mem);
                return $ret;
            }};
        }
        while k < n {
            let t = time[k];
            if t >= next_check {
                self.tfs[r].bar = bar;
                self.account(applied_from, k, time, &get);
                applied_from = k;
                let (p, _) = get(k);
                if self.on_time(mem, t, Some(p), k as i64) {
                    self.exec_leave(Self::trade_ext::<Q>(ext), k, |j| quote(j, get(j).0));
                    self.sync(mem);
                    return k;
                }
                if self.broker.next_time <= t {
                    self.broker.ext = Self::trade_ext::<Q>(ext);
                    ext = Extremes::EMPTY;
                    self.broker.seq = self.ticks;
                    self.broker.bars = self.tfs[r].completed;
                    if self.broker.on_time(t) && self.broker.options().wake {
                        self.order_event(mem, t, k as i64);
                        leave!(k, k);
                    }
                    ext = self.broker.ext;
                    bh = self.broker.buy_hi;
                    bl = self.broker.buy_lo;
                    sh = self.broker.sell_hi;
                    sl = self.broker.sell_lo;
                    xh = bh.min(sh);
                    xl = bl.max(sl);
                    (cu, cd) = merge(up, down, xh, xl);
                }
                self.next_check = self.next_check.min(self.broker.next_time);
                bar = self.tfs[r].bar;
                next_check = self.next_check;
            }
            let (p, s) = get(k);
            bar.absorb(p, s, t);
            if extra {
                self.apply_extra_roots(p, s, t);
            }
            let (bq, aq) = quote(k, p);
            // Quote model: every tick since the last fold stayed inside the triggers (a tick
            // that reached one called the broker, which folds; the broker folds before it
            // moves a trigger), so only a tick that sets a new extreme can reach one.
            let mut qhit = false;
            if Q {
                if (aq < ext.ask_lo) | (aq > ext.ask_hi) | (bq < ext.bid_lo) | (bq > ext.bid_hi) {
                    qhit = Self::quote_extreme(&mut ext, bq, aq, (bh, bl, sh, sl));
                }
            } else {
                if aq < ext.ask_lo {
                    ext.ask_lo = aq;
                }
                if aq > ext.ask_hi {
                    ext.ask_hi = aq;
                }
            }
            let hit = if Q { qhit } else { p >= cu || p < cd };
            if hit && (Q || p >= xh || p <= xl) {
                self.broker.ext = Self::trade_ext::<Q>(ext);
                ext = Extremes::EMPTY;
                self.broker.seq = self.ticks + (k + 1 - applied_from) as u64;
                self.broker.bars = self.tfs[r].completed;
                if self.broker.on_tick(t, k, bq, aq, s) && self.broker.options().wake {
                    self.order_event(mem, t, k as i64);
                    leave!(k + 1, k + 1);
                }
                ext = self.broker.ext;
                bh = self.broker.buy_hi;
                bl = self.broker.buy_lo;
                sh = self.broker.sell_hi;
                sl = self.broker.sell_lo;
                xh = bh.min(sh);
                xl = bl.max(sl);
                next_check = next_check.min(self.broker.next_time);
                self.next_check = next_check;
                (cu, cd) = merge(up, down, xh, xl);
            }
            if (!Q && hit || Q) && (p >= up || p < down) {
                if self.on_price(mem, p, k) {
                    leave!(k + 1, k + 1);
                }
                up = self.up_trig;
                down = self.down_trig;
                (cu, cd) = merge(up, down, xh, xl);
            }
            k += 1;
        }
        leave!(n, n);
    }

    /// Quote model: a tick set a new extreme; records it and tells whether it reached a trigger.
    #[inline(never)]
    fn quote_extreme(ext: &mut Extremes, bq: f64, aq: f64, (bh, bl, sh, sl): (f64, f64, f64, f64)) -> bool {
        let mut hit = false;
        if aq < ext.ask_lo {
            ext.ask_lo = aq;
            hit |= aq <= bl;
        }
        if aq > ext.ask_hi {
            ext.ask_hi = aq;
            hit |= aq >= bh;
        }
        if bq < ext.bid_lo {
            ext.bid_lo = bq;
            hit |= bq <= sl;
        }
        if bq > ext.bid_hi {
            ext.bid_hi = bq;
            hit |= bq >= sh;
        }
        hit
    }

    /// In the trade model only the ask extremes are tracked in the loop: the bid's are the same.
    #[inline(always)]
    fn trade_ext<const Q: bool>(mut e: Extremes) -> Extremes {
        if !Q {
            e.bid_lo = e.ask_lo;
            e.bid_hi = e.ask_hi;
        }
        e
    }

    /// Control returns to JS with ticks applied up to `applied_to` (exclusive): the broker
    /// keeps the running extremes and marks the position at the last applied tick.
    #[cold]
    fn exec_leave<G: Fn(usize) -> (f64, f64)>(&mut self, ext: Extremes, applied_to: usize, quote: G) {
        self.broker.ext = ext;
        if applied_to > 0 && self.ticks > 0 {
            let (b, a) = quote(applied_to - 1);
            self.broker.set_marks(b, a);
        }
    }

    #[cold]
    fn order_event(&mut self, mem: &mut [u64], t: i64, k: i64) {
        set_n(mem, H_EVENT, get_n(mem, H_EVENT) | EV_ORDER);
        set_n(mem, H_EVENT_TICK, k);
        if t > self.clock {
            self.clock = t;
        }
    }

    /// Books ticks `a..b` as applied: count, clock and last price.
    fn account<F: Fn(usize) -> (f64, f64)>(&mut self, a: usize, b: usize, time: &[i64], get: &F) {
        if b > a {
            self.ticks += (b - a) as u64;
            self.clock = time[b - 1];
            self.last_price = get(b - 1).0;
        }
    }

    #[cold]
    fn apply_extra_roots(&mut self, p: f64, s: f64, t: i64) {
        for idx in 1..self.roots.len() {
            self.tfs[self.roots[idx]].bar.absorb(p, s, t);
        }
    }

    /// The session (day, start, end) containing `t`, cached: sessions change once a day.
    fn session_at(&mut self, t: i64) -> (i64, i64, i64) {
        let (d, s, e) = self.session_cache;
        if s <= t && t < e {
            return (d, s, e);
        }
        let ses = &self.opts.session;
        let d = ses.day_of(t);
        let c = (d, ses.start(d), ses.start(d + 1));
        self.session_cache = c;
        c
    }

    /// Period of timeframe `i` containing `t`.
    fn period(&mut self, i: usize, t: i64) -> (i64, i64) {
        let (d, ss, se) = self.session_at(t);
        let tf = &self.tfs[i].tf;
        if tf.days > 0 {
            let g = d.div_euclid(tf.days) * tf.days;
            if tf.days == 1 {
                (ss, se)
            } else {
                let s = &self.opts.session;
                (s.start(g), s.start(g + tf.days))
            }
        } else {
            let st = ss + (t - ss) / tf.micros * tf.micros;
            (st, (st + tf.micros).min(se))
        }
    }

    fn write_record(&self, mem: &mut [u64], off: usize, b: &Bar, start: i64, end: i64) {
        let time = if self.opts.bar_time_end { end } else { start };
        let r: &mut [u64; RECORD] = (&mut mem[off..off + RECORD]).try_into().expect("record in bounds");
        r[R_OPEN] = b.open.to_bits();
        r[R_HIGH] = b.high.to_bits();
        r[R_LOW] = b.low.to_bits();
        r[R_CLOSE] = b.close.to_bits();
        r[R_VOLUME] = b.volume.to_bits();
        r[R_TICKS] = b.ticks.to_bits();
        r[R_TIME] = time as u64;
        r[R_START] = start as u64;
        r[R_END] = end as u64;
        r[R_LAST] = b.last as u64;
    }

    fn push_completed(&mut self, mem: &mut [u64], i: usize, b: &Bar, start: i64, end: i64, at: i64) {
        let n = self.tfs.len();
        let c = self.tfs[i].completed;
        let off = ring(n, self.depth, i, (c % self.depth as u64) as usize);
        self.write_record(mem, off, b, start, end);
        let t = &mut self.tfs[i];
        t.completed = c + 1;
        t.last_end = end;
        t.has_prev = true;
        t.prev_close = b.close;
        t.prev_last = b.last;
        set_n(mem, tf_header(i) + T_COMPLETED, (c + 1) as i64);
        set_i(mem, tf_header(i) + T_CLOSED_AT, at);
    }

    /// Completes the open bar of timeframe `i` and folds it into the timeframes built from it.
    fn complete(&mut self, mem: &mut [u64], i: usize, at: i64) {
        let (b, start, end) = {
            let t = &self.tfs[i];
            (t.bar, t.start, t.end)
        };
        self.push_completed(mem, i, &b, start, end, at);
        let t = &mut self.tfs[i];
        t.open = false;
        t.has_acc = false;
        set_n(mem, tf_header(i) + T_HAS_PARTIAL, 0);
        for j in i + 1..self.tfs.len() {
            if self.tfs[j].src == Some(i) {
                let p = &mut self.tfs[j];
                if p.has_acc {
                    p.bar.merge(&b);
                } else {
                    p.bar = b;
                    p.has_acc = true;
                }
            }
        }
    }

    /// The clock reached `t` (a tick at `t` with price `p`, or `advance_to`): completes
    /// ended bars, fills empty periods, fires timers; returns whether to stop before the
    /// tick. If not stopping and `p` is given, opens the periods containing `t`.
    fn on_time(&mut self, mem: &mut [u64], t: i64, p: Option<f64>, tick: i64) -> bool {
        let n = self.tfs.len();
        let mut closed: u64 = 0;
        for i in 0..n {
            if self.tfs[i].open && t >= self.tfs[i].end {
                self.complete(mem, i, t);
                closed |= 1 << i;
            }
            if self.opts.fill_forward && !self.tfs[i].open && self.tfs[i].has_prev {
                while self.tfs[i].last_end <= t {
                    let (ps, pe) = self.period(i, self.tfs[i].last_end);
                    if pe > t {
                        break;
                    }
                    let tf = &self.tfs[i];
                    let c = tf.prev_close;
                    let flat = Bar { open: c, high: c, low: c, close: c, volume: 0.0, ticks: 0.0, last: tf.prev_last };
                    self.push_completed(mem, i, &flat, ps, pe, t);
                    closed |= 1 << i;
                }
            }
        }
        let mut fired = 0;
        while self.timer_idx < self.timers.len() && self.timers[self.timer_idx] <= t {
            set_i(mem, H_TIMER_TIME, self.timers[self.timer_idx]);
            self.timer_idx += 1;
            fired += 1;
        }
        let mut ev = 0;
        if closed & self.sub_close_mask != 0 {
            ev |= EV_BAR_CLOSE;
        }
        if fired > 0 {
            ev |= EV_TIMER;
            set_n(mem, H_TIMER_COUNT, fired);
        }
        if ev != 0 || p.is_none() {
            set_n(mem, H_EVENT, get_n(mem, H_EVENT) | ev);
            set_n(mem, H_EVENT_TICK, tick);
            set_n(mem, H_CLOSED_MASK, closed as i64);
            if t > self.clock {
                self.clock = t;
            }
            self.next_check = i64::MIN;
            return true;
        }
        let p = p.unwrap_or(0.0);
        for i in 0..n {
            if !self.tfs[i].open {
                let (s, e) = self.period(i, t);
                let open_prev = self.opts.open_prev_close;
                let tf = &mut self.tfs[i];
                tf.open = true;
                tf.start = s;
                tf.end = e;
                tf.has_acc = false;
                tf.period_dirty = true;
                if tf.src.is_none() {
                    let o = if open_prev && tf.has_prev { tf.prev_close } else { p };
                    tf.bar = Bar { open: o, high: o, low: o, close: o, volume: 0.0, ticks: 0.0, last: t };
                }
                set_n(mem, tf_header(i) + T_HAS_PARTIAL, 1);
            }
        }
        let mut next = self.timers.get(self.timer_idx).copied().unwrap_or(i64::MAX);
        for tf in &self.tfs {
            next = next.min(tf.end);
        }
        self.next_check = next;
        false
    }

    /// After a tick is applied with price `p`: every-tick and level-crossing events.
    #[cold]
    fn on_price(&mut self, mem: &mut [u64], p: f64, k: usize) -> bool {
        let mut ev = 0;
        if self.every_tick {
            ev |= EV_TICK;
        }
        if !self.levels.is_empty() {
            let idx = self.levels.partition_point(|l| *l <= p);
            if self.has_price && idx != self.level_idx {
                ev |= EV_CROSS;
                let (dir, first, count) = if idx > self.level_idx {
                    (1, self.level_idx, idx - self.level_idx)
                } else {
                    (-1, self.level_idx - 1, self.level_idx - idx)
                };
                set_n(mem, H_CROSS_DIR, dir);
                set_n(mem, H_CROSS_FIRST, first as i64);
                set_n(mem, H_CROSS_COUNT, count as i64);
            }
            self.level_idx = idx;
            self.has_price = true;
        }
        self.update_triggers();
        if ev != 0 {
            set_n(mem, H_EVENT, get_n(mem, H_EVENT) | ev);
            set_n(mem, H_EVENT_TICK, k as i64);
            true
        } else {
            false
        }
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
    }
}

#[cfg(test)]
mod tests;
