//! The simulated broker: orders, fills, a netting position and its accounting, driven by
//! the engine's tick loop (no N-API here).
//!
//! Matching is threshold based: the book keeps four trigger prices (buys watch the ask,
//! sells the bid; in the trade model bid = ask = the tick price) and the tick loop calls
//! `on_tick` only on a tick that reaches one of them, so 1,000 resting orders cost the
//! loop four comparisons per tick. Orders take effect `latency` microseconds after they
//! are sent (`on_time` activates them at the first tick at or after that time); a freshly
//! active order is matched on that tick. Every order event is recorded with a reason
//! (`layout::R_*`). The fill rules are documented in native/README.md.

pub mod layout;

use layout::*;
use std::collections::HashMap;

use crate::session::Session;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FillModel {
    /// Fill at the tick price (the engine's price source).
    Trade,
    /// Buy at the ask, sell at the bid.
    Quote,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Slippage {
    None,
    /// Adverse, in ticks of the tick size.
    Ticks(f64),
    /// Adverse, percent of the price.
    Percent(f64),
    /// Adverse, a whole number of ticks drawn uniformly from 0..=max with a seeded generator.
    Random { max_ticks: u32, seed: u64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Commission {
    pub per_unit: f64,
    pub per_order: f64,
    /// Percent of the notional (qty * price * multiplier).
    pub percent: f64,
    /// Minimum per fill.
    pub minimum: f64,
}

impl Commission {
    pub fn of(&self, qty: f64, notional: f64) -> f64 {
        let c = self.per_unit * qty + self.per_order + self.percent / 100.0 * notional.abs();
        if c < self.minimum {
            self.minimum
        } else {
            c
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExecOptions {
    pub fill: FillModel,
    /// Limit orders fill only when the market trades (or quotes) through the limit, not
    /// when it merely touches it.
    pub limit_through: bool,
    pub tick_size: f64,
    pub lot_size: f64,
    pub multiplier: f64,
    pub initial_cash: f64,
    pub commission: Commission,
    pub slippage: Slippage,
    /// Orders and cancels take effect this many microseconds after they are sent.
    pub latency: i64,
    /// Stop the run (EV_ORDER) after a tick that caused order events (fills, triggers,
    /// expiries), so JS can react.
    pub wake: bool,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            fill: FillModel::Trade,
            limit_through: false,
            tick_size: 0.01,
            lot_size: 1.0,
            multiplier: 1.0,
            initial_cash: 100_000.0,
            commission: Commission::default(),
            slippage: Slippage::None,
            latency: 0,
            wake: false,
        }
    }
}

impl ExecOptions {
    pub fn check(&self) -> Result<(), String> {
        let pos = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("execution.{} is {}; it must be a finite number > 0", name, v))
            }
        };
        pos("tickSize", self.tick_size)?;
        pos("lotSize", self.lot_size)?;
        pos("multiplier", self.multiplier)?;
        if !self.initial_cash.is_finite() {
            return Err(format!("execution.initialCash is {}; it must be finite", self.initial_cash));
        }
        let c = &self.commission;
        for (n, v) in [("perUnit", c.per_unit), ("perOrder", c.per_order), ("percent", c.percent), ("minimum", c.minimum)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("execution.commission.{} is {}; it must be finite and >= 0", n, v));
            }
        }
        match self.slippage {
            Slippage::Ticks(v) | Slippage::Percent(v) if !(v.is_finite() && v >= 0.0) => {
                return Err(format!("execution.slippage is {}; it must be finite and >= 0", v));
            }
            _ => {}
        }
        if self.latency < 0 {
            return Err(format!("execution.latencyMicros is {}; it must be >= 0", self.latency));
        }
        Ok(())
    }
}

/// Running extremes of the ask and the bid since the last fold (the trade model keeps the
/// tick price in both).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extremes {
    pub ask_lo: f64,
    pub ask_hi: f64,
    pub bid_lo: f64,
    pub bid_hi: f64,
}

impl Extremes {
    pub const EMPTY: Extremes =
        Extremes { ask_lo: f64::INFINITY, ask_hi: f64::NEG_INFINITY, bid_lo: f64::INFINITY, bid_hi: f64::NEG_INFINITY };
}

#[derive(Clone, Debug)]
struct Order {
    id: u64,
    typ: i64,
    /// +1 buy, -1 sell
    side: f64,
    qty: f64,
    limit: f64,
    stop: f64,
    tif: i64,
    /// Expiry (DAY: session end; GTD: given); i64::MAX for none.
    expire: i64,
    /// A cancel sent with latency takes effect at this time; i64::MAX for none.
    cancel_at: i64,
    effective: i64,
    /// Stop-limit: the stop was reached, the order is now a limit.
    triggered: bool,
    /// Active since the current tick (matched as arriving: marketable limits fill at the market).
    fresh: bool,
    /// The closest the market came (price the order watches), NaN before any tick.
    closest: f64,
    /// When sent, the market had not yet reached the stop (a fill beyond it on the first
    /// tick is then a gap, not a stop that was marketable on arrival).
    armed: bool,
}

impl Order {
    fn buy(&self) -> bool {
        self.side > 0.0
    }
    /// Watches prices falling towards it (buy limit, buy MIT, sell stop) or rising.
    fn watches_low(&self) -> bool {
        let limit_like = matches!(self.typ, TYPE_LIMIT | TYPE_MIT) || (self.typ == TYPE_STOP_LIMIT && self.triggered);
        limit_like == self.buy()
    }
    fn watched_price(&self) -> f64 {
        match self.typ {
            TYPE_LIMIT => self.limit,
            TYPE_STOP_LIMIT if self.triggered => self.limit,
            _ => self.stop,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct OpenTrade {
    entry_time: i64,
    side: f64,
    max_qty: f64,
    entry_value: f64,
    entry_qty: f64,
    exit_value: f64,
    exit_qty: f64,
    pnl: f64,
    commission: f64,
    slippage: f64,
    mae: f64,
    mfe: f64,
    entry_bars: u64,
}

/// The broker of one instrument.
pub struct Broker {
    opts: ExecOptions,
    session: Session,
    /// Sent, not yet effective (latency), in the order sent.
    pending: Vec<Order>,
    /// Effective orders, in the order they became effective.
    book: Vec<Order>,
    /// Known ids: true while the order is working (pending or in the book).
    ids: HashMap<u64, bool>,
    pub events: Vec<[u64; EVENT_SLOTS]>,
    pub trades: Vec<[u64; TRADE_SLOTS]>,
    // Triggers: a buy needs the ask >= buy_hi or <= buy_lo; a sell the bid >= sell_hi or <= sell_lo.
    pub buy_hi: f64,
    pub buy_lo: f64,
    pub sell_hi: f64,
    pub sell_lo: f64,
    /// Earliest time at which a pending order becomes effective or a working order expires.
    pub next_time: i64,
    /// Extremes of the ticks applied since the last fold (written by the tick loop).
    pub ext: Extremes,
    /// Completed bars of the shortest timeframe (written by the engine before each call).
    pub bars: u64,
    /// Ticks applied, the current tick included (written by the engine before each call).
    pub seq: u64,
    clock: i64,
    rng: u64,
    // Account
    cash: f64,
    pos: f64,
    avg: f64,
    realised: f64,
    commission: f64,
    slippage: f64,
    fills: u64,
    bid: f64,
    ask: f64,
    trade: Option<OpenTrade>,
}

fn next_down(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 {
        f64::from_bits(x.to_bits() - 1)
    } else {
        x
    }
}
fn next_up(x: f64) -> f64 {
    if x.is_finite() && x >= 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        x
    }
}

impl Broker {
    pub fn new(opts: ExecOptions, session: Session) -> Result<Broker, String> {
        opts.check()?;
        let seed = match opts.slippage {
            Slippage::Random { seed, .. } => seed,
            _ => 0,
        };
        let cash = opts.initial_cash;
        let mut b = Broker {
            opts,
            session,
            pending: Vec::new(),
            book: Vec::new(),
            ids: HashMap::new(),
            events: Vec::new(),
            trades: Vec::new(),
            buy_hi: f64::INFINITY,
            buy_lo: f64::NEG_INFINITY,
            sell_hi: f64::INFINITY,
            sell_lo: f64::NEG_INFINITY,
            next_time: i64::MAX,
            ext: Extremes::EMPTY,
            bars: 0,
            seq: 0,
            clock: i64::MIN,
            // splitmix64 of the seed: never 0 for xorshift.
            rng: splitmix(seed) | 1,
            cash,
            pos: 0.0,
            avg: f64::NAN,
            realised: 0.0,
            commission: 0.0,
            slippage: 0.0,
            fills: 0,
            bid: f64::NAN,
            ask: f64::NAN,
            trade: None,
        };
        b.update_triggers();
        Ok(b)
    }

    pub fn options(&self) -> &ExecOptions {
        &self.opts
    }

    pub fn quotes(&self) -> bool {
        self.opts.fill == FillModel::Quote
    }

    pub fn open_orders(&self) -> usize {
        self.pending.len() + self.book.len()
    }

    fn on_grid(&self, p: f64) -> bool {
        let q = p / self.opts.tick_size;
        (q - q.round()).abs() <= 1e-6 * q.abs().max(1.0)
    }

    fn snap_lots(&self, q: f64) -> f64 {
        (q / self.opts.lot_size).round() * self.opts.lot_size
    }

    #[allow(clippy::too_many_arguments)]
    fn event(&mut self, t: i64, id: f64, kind: i64, reason: i64, tick: i64, price: f64, qty: f64, commission: f64, reference: f64, realised: f64) {
        let mut e = [0u64; EVENT_SLOTS];
        e[E_TIME] = t as u64;
        e[E_ORDER] = id.to_bits();
        e[E_KIND] = (kind as f64).to_bits();
        e[E_REASON] = (reason as f64).to_bits();
        e[E_TICK] = (tick as f64).to_bits();
        e[E_PRICE] = price.to_bits();
        e[E_QTY] = qty.to_bits();
        e[E_COMMISSION] = commission.to_bits();
        e[E_REFERENCE] = reference.to_bits();
        e[E_POSITION] = self.pos.to_bits();
        e[E_REALISED] = realised.to_bits();
        e[E_SEQ] = (self.seq as f64).to_bits();
        self.events.push(e);
    }

    /// Applies one order command (ORDER_SLOTS slots) sent at `now`. Bad commands are
    /// rejected with a reason event, never dropped.
    pub fn command(&mut self, r: &[u64], now: i64) {
        let f = |i: usize| f64::from_bits(r[i]);
        let id_f = f(O_ID);
        let action = f(O_ACTION);
        self.clock = self.clock.max(now);
        let reject = |b: &mut Broker, reason: i64| b.event(now, id_f, KIND_REJECTED, reason, -1, f64::NAN, f(O_QTY), 0.0, f64::NAN, 0.0);
        if !(id_f.is_finite() && id_f >= 1.0 && id_f.fract() == 0.0 && id_f <= 9.0e15) {
            return reject(self, R_BAD_ID);
        }
        let id = id_f as u64;
        if action == ACT_CANCEL as f64 {
            match self.ids.get(&id) {
                None => return reject(self, R_UNKNOWN_ORDER),
                Some(false) => return reject(self, R_ORDER_DONE),
                Some(true) => {}
            }
            if self.opts.latency > 0 {
                // The cancel takes effect later: model it as an expiry at now + latency.
                let at = now.saturating_add(self.opts.latency);
                for o in self.pending.iter_mut().chain(self.book.iter_mut()) {
                    if o.id == id {
                        o.cancel_at = o.cancel_at.min(at);
                    }
                }
                self.update_triggers();
            } else {
                self.fold();
                self.remove(id, now, KIND_CANCELLED, R_CANCEL_REQUEST);
            }
            return;
        }
        if action != ACT_SUBMIT as f64 {
            return reject(self, R_BAD_ACTION);
        }
        if self.ids.contains_key(&id) {
            return reject(self, R_DUPLICATE_ID);
        }
        if f(O_INSTRUMENT) != 0.0 {
            return reject(self, R_UNKNOWN_INSTRUMENT);
        }
        let typ = f(O_TYPE);
        if !matches!(typ, x if x == 0.0 || x == 1.0 || x == 2.0 || x == 3.0 || x == 4.0) {
            return reject(self, R_BAD_TYPE);
        }
        let typ = typ as i64;
        let side = f(O_SIDE);
        if side != 1.0 && side != -1.0 {
            return reject(self, R_BAD_SIDE);
        }
        let qty = f(O_QTY);
        if !(qty.is_finite() && qty > 0.0) {
            return reject(self, R_BAD_QTY);
        }
        let lots = qty / self.opts.lot_size;
        if (lots - lots.round()).abs() > 1e-9 * lots.max(1.0) {
            return reject(self, R_BAD_QTY);
        }
        let qty = self.snap_lots(qty);
        let tif = f(O_TIF);
        if !matches!(tif, x if x == 0.0 || x == 1.0 || x == 2.0 || x == 3.0 || x == 4.0) {
            return reject(self, R_BAD_TIF);
        }
        let tif = tif as i64;
        let (limit, stop) = (f(O_LIMIT), f(O_STOP));
        let need_limit = matches!(typ, TYPE_LIMIT | TYPE_STOP_LIMIT);
        let need_stop = matches!(typ, TYPE_STOP | TYPE_STOP_LIMIT | TYPE_MIT);
        for (need, p) in [(need_limit, limit), (need_stop, stop)] {
            if need {
                if !(p.is_finite() && p > 0.0) {
                    return reject(self, R_BAD_PRICE);
                }
                if !self.on_grid(p) {
                    return reject(self, R_OFF_GRID);
                }
            }
        }
        let effective = now.saturating_add(self.opts.latency);
        let expire = match tif {
            TIF_GTD => {
                let e = r[O_EXPIRE] as i64;
                if e <= effective {
                    return reject(self, R_BAD_EXPIRE);
                }
                e
            }
            TIF_DAY => self.session.start(self.session.day_of(effective) + 1),
            _ => i64::MAX,
        };
        let o = Order {
            id,
            typ,
            side,
            qty,
            limit: if need_limit { limit } else { f64::NAN },
            stop: if need_stop { stop } else { f64::NAN },
            tif,
            expire,
            cancel_at: i64::MAX,
            effective,
            triggered: false,
            fresh: false,
            closest: f64::NAN,
            armed: {
                let px = if side > 0.0 { self.ask } else { self.bid };
                if side > 0.0 { px < stop } else { px > stop }
            },
        };
        self.ids.insert(id, true);
        self.event(now, id_f, KIND_ACCEPTED, R_OK, -1, f64::NAN, qty, 0.0, f64::NAN, 0.0);
        self.pending.push(o);
        self.next_time = self.next_time.min(effective);
    }

    /// Removes a working order with an event (cancel or expiry) carrying its closest price.
    fn remove(&mut self, id: u64, t: i64, kind: i64, reason: i64) {
        let closest = if let Some(i) = self.book.iter().position(|o| o.id == id) {
            self.book.remove(i).closest
        } else if let Some(i) = self.pending.iter().position(|o| o.id == id) {
            self.pending.remove(i).closest
        } else {
            return;
        };
        self.ids.insert(id, false);
        let qty = f64::NAN;
        self.event(t, id as f64, kind, reason, -1, f64::NAN, qty, 0.0, closest, 0.0);
        self.update_triggers();
    }

    /// Folds the extremes since the last fold into the closest prices of the working
    /// orders and the open trade's excursions.
    pub fn fold(&mut self) {
        let x = self.ext;
        if x.ask_lo > x.ask_hi {
            return;
        }
        self.ext = Extremes::EMPTY;
        for o in &mut self.book {
            if o.typ == TYPE_MARKET {
                continue;
            }
            let v = match (o.buy(), o.watches_low()) {
                (true, true) => x.ask_lo,
                (true, false) => x.ask_hi,
                (false, true) => x.bid_lo,
                (false, false) => x.bid_hi,
            };
            let w = o.watched_price();
            if o.closest.is_nan() || (v - w).abs() < (o.closest - w).abs() {
                o.closest = v;
            }
        }
        if self.pos != 0.0 {
            let m = self.opts.multiplier;
            let (worst, best) = if self.pos > 0.0 {
                ((x.bid_lo - self.avg) * self.pos * m, (x.bid_hi - self.avg) * self.pos * m)
            } else {
                ((x.ask_hi - self.avg) * self.pos * m, (x.ask_lo - self.avg) * self.pos * m)
            };
            if let Some(tr) = &mut self.trade {
                tr.mae = tr.mae.min(worst);
                tr.mfe = tr.mfe.max(best);
            }
        }
    }

    /// The clock reached `t` (a tick at `t`, before it is applied, or advanceTo):
    /// pending orders become effective, working orders expire. Returns whether events
    /// happened.
    pub fn on_time(&mut self, t: i64) -> bool {
        self.fold();
        self.clock = self.clock.max(t);
        let before = self.events.len();
        if self.pending.iter().any(|o| o.effective <= t) {
            let mut keep = Vec::with_capacity(self.pending.len());
            for mut o in std::mem::take(&mut self.pending) {
                if o.effective <= t {
                    o.fresh = true;
                    self.book.push(o);
                } else {
                    keep.push(o);
                }
            }
            self.pending = keep;
        }
        let due: Vec<(u64, bool, i64)> = self
            .book
            .iter()
            .chain(self.pending.iter())
            .filter(|o| o.expire.min(o.cancel_at) <= t)
            .map(|o| (o.id, o.cancel_at <= o.expire, o.tif))
            .collect();
        for (id, cancel, tif) in due {
            let (kind, reason) = match (cancel, tif) {
                (true, _) => (KIND_CANCELLED, R_CANCEL_REQUEST),
                (false, TIF_DAY) => (KIND_EXPIRED, R_DAY_END),
                _ => (KIND_EXPIRED, R_GTD_EXPIRY),
            };
            self.remove(id, t, kind, reason);
        }
        self.update_triggers();
        self.events.len() > before
    }

    pub fn update_triggers(&mut self) {
        let (mut bh, mut bl, mut sh, mut sl) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        let through = self.opts.limit_through;
        for o in &self.book {
            if o.fresh || o.typ == TYPE_MARKET {
                // Any tick.
                bh = f64::NEG_INFINITY;
                sh = f64::NEG_INFINITY;
                continue;
            }
            let w = o.watched_price();
            let limit_like = o.watches_low() == o.buy();
            let strict = through && limit_like && o.typ != TYPE_MIT;
            match (o.buy(), o.watches_low()) {
                (true, true) => bl = bl.max(if strict { next_down(w) } else { w }),
                (true, false) => bh = bh.min(w),
                (false, true) => sl = sl.max(w),
                (false, false) => sh = sh.min(if strict { next_up(w) } else { w }),
            }
        }
        self.buy_hi = bh;
        self.buy_lo = bl;
        self.sell_hi = sh;
        self.sell_lo = sl;
        let mut next = i64::MAX;
        for o in self.pending.iter() {
            next = next.min(o.effective).min(o.expire).min(o.cancel_at);
        }
        for o in self.book.iter() {
            next = next.min(o.expire).min(o.cancel_at);
        }
        self.next_time = next;
    }

    fn slip(&mut self, price: f64) -> f64 {
        match self.opts.slippage {
            Slippage::None => 0.0,
            Slippage::Ticks(n) => n * self.opts.tick_size,
            Slippage::Percent(p) => price * p / 100.0,
            Slippage::Random { max_ticks, .. } => {
                // xorshift64*
                let mut x = self.rng;
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                self.rng = x;
                let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
                ((r >> 32) % (max_ticks as u64 + 1)) as f64 * self.opts.tick_size
            }
        }
    }

    /// A tick reached a trigger (or an order is fresh): matches the book at tick `k`.
    /// Returns whether order events happened.
    pub fn on_tick(&mut self, t: i64, k: usize, bid: f64, ask: f64) -> bool {
        self.fold();
        self.clock = self.clock.max(t);
        self.bid = bid;
        self.ask = ask;
        let before = self.events.len();
        let through = self.opts.limit_through;
        let mut i = 0;
        while i < self.book.len() {
            let o = self.book[i].clone();
            let buy = o.buy();
            let px = if buy { ask } else { bid };
            // Price improves for the order when lower for a buy: better(a, b) = a at least as good as b.
            let at_or_better = |a: f64, b: f64| if buy { a <= b } else { a >= b };
            let beyond = |a: f64, b: f64| if buy { a < b } else { a > b };
            let mut fill: Option<(f64, i64, bool)> = None; // (reference price, reason, slippage applies)
            let mut o2 = o.clone();
            match o.typ {
                TYPE_MARKET => fill = Some((px, R_MARKET, true)),
                TYPE_STOP => {
                    if !at_or_better(px, o.stop) || px == o.stop {
                        let gap = (px - o.stop).abs() > self.opts.tick_size * 1.000001 && (!o.fresh || o.armed);
                        fill = Some((px, if gap { R_STOP_GAP } else { R_STOP }, true));
                    }
                }
                TYPE_MIT => {
                    if at_or_better(px, o.stop) {
                        fill = Some((px, R_MIT, true));
                    }
                }
                TYPE_LIMIT | TYPE_STOP_LIMIT => {
                    let mut limit_fresh = o.fresh;
                    if o.typ == TYPE_STOP_LIMIT && !o.triggered {
                        if !at_or_better(px, o.stop) || px == o.stop {
                            o2.triggered = true;
                            o2.closest = f64::NAN;
                            limit_fresh = true;
                            self.event(t, o.id as f64, KIND_TRIGGERED, R_STOP_TRIGGERED, k as i64, px, o.qty, 0.0, px, 0.0);
                        }
                    }
                    if o.typ == TYPE_LIMIT || o2.triggered {
                        if limit_fresh && at_or_better(px, o.limit) {
                            fill = Some((px, R_LIMIT_MARKETABLE, false));
                        } else if if through { beyond(px, o.limit) } else { at_or_better(px, o.limit) } {
                            fill = Some((o.limit, R_LIMIT_RESTING, false));
                        }
                    }
                }
                _ => {}
            }
            if let Some((reference, reason, slips)) = fill {
                let s = if slips { self.slip(reference) } else { 0.0 };
                let price = reference + o.side * s;
                self.book.remove(i);
                self.ids.insert(o.id, false);
                self.fill(t, k, &o, price, reference, reason);
                continue;
            }
            if matches!(o.tif, TIF_IOC | TIF_FOK) {
                self.book.remove(i);
                self.ids.insert(o.id, false);
                let reason = if o.tif == TIF_IOC { R_IOC_UNFILLED } else { R_FOK_UNFILLED };
                self.event(t, o.id as f64, KIND_EXPIRED, reason, k as i64, f64::NAN, o.qty, 0.0, px, 0.0);
                continue;
            }
            o2.fresh = false;
            if o2.closest.is_nan() && o2.typ != TYPE_MARKET {
                o2.closest = px;
            }
            self.book[i] = o2;
            i += 1;
        }
        self.update_triggers();
        self.events.len() > before
    }

    fn fill(&mut self, t: i64, k: usize, o: &Order, price: f64, reference: f64, reason: i64) {
        let m = self.opts.multiplier;
        let qty = o.qty;
        let notional = qty * price * m;
        let comm = self.opts.commission.of(qty, notional);
        let slip_money = (price - reference).abs() * qty * m;
        let signed = o.side * qty;
        self.cash -= signed * price * m + comm;
        self.commission += comm;
        self.slippage += slip_money;
        self.fills += 1;
        let mut realised = 0.0;
        let same_dir = self.pos == 0.0 || (self.pos > 0.0) == (o.side > 0.0);
        if same_dir {
            self.open_or_add(t, o.side, qty, price, comm, slip_money);
        } else {
            let closing = qty.min(self.pos.abs());
            realised = (price - self.avg) * closing * self.pos.signum() * m;
            self.realised += realised;
            let frac = closing / qty;
            self.pos = self.snap_lots(self.pos + o.side * closing);
            if let Some(tr) = &mut self.trade {
                tr.exit_value += price * closing;
                tr.exit_qty += closing;
                tr.pnl += realised;
                tr.commission += comm * frac;
                tr.slippage += slip_money * frac;
            }
            if self.pos == 0.0 {
                self.avg = f64::NAN;
                self.close_trade(t);
            }
            let rest = self.snap_lots(qty - closing);
            if rest > 0.0 {
                self.open_or_add(t, o.side, rest, price, comm * (1.0 - frac), slip_money * (1.0 - frac));
            }
        }
        self.event(t, o.id as f64, KIND_FILLED, reason, k as i64, price, qty, comm, reference, realised);
    }

    fn open_or_add(&mut self, t: i64, side: f64, qty: f64, price: f64, comm: f64, slip: f64) {
        let held = self.pos.abs();
        self.avg = if held == 0.0 { price } else { (self.avg * held + price * qty) / (held + qty) };
        self.pos = self.snap_lots(self.pos + side * qty);
        let bars = self.bars;
        let tr = self.trade.get_or_insert_with(|| OpenTrade { entry_time: t, side, entry_bars: bars, ..Default::default() });
        tr.entry_value += price * qty;
        tr.entry_qty += qty;
        tr.max_qty = tr.max_qty.max(self.pos.abs());
        tr.commission += comm;
        tr.slippage += slip;
    }

    fn close_trade(&mut self, t: i64) {
        let Some(tr) = self.trade.take() else { return };
        let mut r = [0u64; TRADE_SLOTS];
        r[T_ENTRY_TIME] = tr.entry_time as u64;
        r[T_EXIT_TIME] = t as u64;
        r[T_SIDE] = tr.side.to_bits();
        r[T_QTY] = tr.max_qty.to_bits();
        r[T_ENTRY_PRICE] = (tr.entry_value / tr.entry_qty).to_bits();
        r[T_EXIT_PRICE] = (tr.exit_value / tr.exit_qty).to_bits();
        r[T_PNL] = tr.pnl.to_bits();
        r[T_COMMISSION] = tr.commission.to_bits();
        r[T_MAE] = tr.mae.min(0.0).to_bits();
        r[T_MFE] = tr.mfe.max(0.0).to_bits();
        r[T_BARS] = ((self.bars - tr.entry_bars) as f64).to_bits();
        r[T_SLIPPAGE] = tr.slippage.to_bits();
        self.trades.push(r);
    }

    /// The last applied tick's bid and ask (for marking); call when control returns to JS.
    pub fn set_marks(&mut self, bid: f64, ask: f64) {
        self.bid = bid;
        self.ask = ask;
    }

    pub fn mark(&self) -> f64 {
        if self.pos < 0.0 {
            self.ask
        } else {
            self.bid
        }
    }

    pub fn account(&self) -> [f64; ACCOUNT_SLOTS] {
        let mut a = [0.0; ACCOUNT_SLOTS];
        let m = self.opts.multiplier;
        let mark = self.mark();
        let unreal = if self.pos == 0.0 { 0.0 } else { (mark - self.avg) * self.pos * m };
        a[A_CASH] = self.cash;
        a[A_EQUITY] = self.cash + if self.pos == 0.0 { 0.0 } else { self.pos * mark * m };
        a[A_POSITION] = self.pos;
        a[A_AVG_PRICE] = self.avg;
        a[A_REALISED] = self.realised;
        a[A_UNREALISED] = unreal;
        a[A_COMMISSION] = self.commission;
        a[A_MARK] = mark;
        a[A_OPEN_ORDERS] = self.open_orders() as f64;
        a[A_EVENTS] = self.events.len() as f64;
        a[A_FILLS] = self.fills as f64;
        a[A_SLIPPAGE] = self.slippage;
        a[A_TRADES] = self.trades.len() as f64;
        a[A_INITIAL_CASH] = self.opts.initial_cash;
        a
    }
}

fn splitmix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests;
