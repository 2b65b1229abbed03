//! Matching: the tick and time callbacks of the engine's loop, the fill rules (documented
//! in native/README.md), the volume participation cap, trailing stops.

use super::bars::PATH_POINTS;
use super::book::{BUY_HIGH, BUY_LOW, SELL_HIGH, SELL_LOW};
use super::order::Order;
use super::layout::*;
use super::{next_down, next_up, Broker, Extremes, FillModel, Slippage};

const EPS: f64 = 1e-9;

impl Broker {
    /// Folds the extremes since the last fold into the closest prices of the working
    /// orders and the open positions' excursions.
    pub fn fold(&mut self) {
        let x = self.ext;
        if x.ask_lo > x.ask_hi {
            return;
        }
        self.ext = Extremes::EMPTY;
        for o in &mut self.book {
            if o.market_like() {
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
        self.rest[BUY_LOW].fold(x.ask_lo);
        self.rest[BUY_HIGH].fold(x.ask_hi);
        self.rest[SELL_LOW].fold(x.bid_lo);
        self.rest[SELL_HIGH].fold(x.bid_hi);
        let m = self.opts.multiplier;
        for p in &mut self.positions {
            let (worst, best) = if p.side > 0.0 {
                ((x.bid_lo - p.avg) * p.qty * m, (x.bid_hi - p.avg) * p.qty * m)
            } else {
                ((p.avg - x.ask_hi) * p.qty * m, (p.avg - x.ask_lo) * p.qty * m)
            };
            p.mae = p.mae.min(worst);
            p.mfe = p.mfe.max(best);
        }
    }

    /// The clock reached `t` (a tick at `t`, before it is applied, or advanceTo):
    /// modifications and pending orders take effect, working orders expire. Returns
    /// whether events happened.
    pub fn on_time(&mut self, t: i64) -> bool {
        self.fold();
        self.clock = self.clock.max(t);
        let before = self.events.len();
        if self.mods.iter().any(|m| m.at <= t) {
            let (due, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.mods).into_iter().partition(|m| m.at <= t);
            self.mods = keep;
            for m in due {
                self.apply_modify(&m, t);
            }
        }
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
        if self.next_expiry <= t {
            let due: Vec<(u64, bool, i64)> =
                self.working().filter(|o| o.expire.min(o.cancel_at) <= t).map(|o| (o.id, o.cancel_at <= o.expire, o.tif)).collect();
            for (id, cancel, tif) in due {
                let (kind, reason) = match (cancel, tif) {
                    (true, _) => (KIND_CANCELLED, R_CANCEL_REQUEST),
                    (false, TIF_DAY) => (KIND_EXPIRED, R_DAY_END),
                    _ => (KIND_EXPIRED, R_GTD_EXPIRY),
                };
                self.remove(id, t, kind, reason);
            }
            self.next_expiry = self.working().map(|o| o.expire.min(o.cancel_at)).min().unwrap_or(i64::MAX);
        }
        self.update_triggers();
        self.events.len() > before
    }

    /// Every working order (pending, held, active, resting).
    fn working(&self) -> impl Iterator<Item = &Order> {
        self.book.iter().chain(self.pending.iter()).chain(self.held.iter()).chain(self.rest.iter().flat_map(|r| r.iter()))
    }

    /// The `rest` class of an order that only waits for its price; None when it needs a
    /// look on every tick it could act on.
    fn class_of(&self, o: &Order) -> Option<(usize, f64)> {
        if o.fresh || o.market_like() || o.typ == TYPE_TRAIL || matches!(o.tif, TIF_IOC | TIF_FOK) {
            return None;
        }
        let w = o.watched_price();
        let limit_like = o.watches_low() == o.buy();
        let strict = self.opts.limit_through && limit_like && o.typ != TYPE_MIT;
        Some(match (o.buy(), o.watches_low()) {
            (true, true) => (BUY_LOW, if strict { next_down(w) } else { w }),
            (true, false) => (BUY_HIGH, w),
            (false, true) => (SELL_LOW, w),
            (false, false) => (SELL_HIGH, if strict { next_up(w) } else { w }),
        })
    }

    /// Moves the active orders that only wait for their price into `rest`.
    fn settle(&mut self) {
        if self.book.iter().all(|o| self.class_of(o).is_none()) {
            return;
        }
        let mut keep = Vec::with_capacity(self.book.len());
        for o in std::mem::take(&mut self.book) {
            match self.class_of(&o) {
                Some((c, eff)) => {
                    self.rest_n += 1;
                    self.rest[c].insert(o, eff, self.rest_n);
                }
                None => keep.push(o),
            }
        }
        self.book = keep;
    }

    /// Recomputes the four trigger prices from the book. Folds first: the tick loop only
    /// compares a tick with the triggers when it sets a new extreme since the last fold.
    pub fn update_triggers(&mut self) {
        self.fold();
        if !self.in_tick {
            self.settle();
        }
        let (mut bh, mut bl, mut sh, mut sl) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        let through = self.opts.limit_through;
        for o in &self.book {
            if o.fresh || o.market_like() || (o.typ == TYPE_TRAIL && o.best.is_nan()) {
                // Any tick.
                bh = f64::NEG_INFINITY;
                sh = f64::NEG_INFINITY;
                continue;
            }
            if o.typ == TYPE_TRAIL {
                // The stop, and a new best price (the stop follows it).
                if o.buy() {
                    bh = bh.min(o.stop);
                    bl = bl.max(next_down(o.best));
                } else {
                    sl = sl.max(o.stop);
                    sh = sh.min(next_up(o.best));
                }
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
        let r = |c: usize| self.rest[c].threshold();
        self.buy_hi = r(BUY_HIGH).map_or(bh, |v| bh.min(v));
        self.buy_lo = r(BUY_LOW).map_or(bl, |v| bl.max(v));
        self.sell_hi = r(SELL_HIGH).map_or(sh, |v| sh.min(v));
        self.sell_lo = r(SELL_LOW).map_or(sl, |v| sl.max(v));
        let mut next = self.next_expiry;
        for o in self.pending.iter() {
            next = next.min(o.effective);
        }
        for m in self.mods.iter() {
            next = next.min(m.at);
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

    /// `n` ticks of the tick size as a price (rounded to 10 decimals: no float dust).
    fn grid(&self, n: f64) -> f64 {
        (n * self.opts.tick_size * 1e10).round() / 1e10
    }

    /// A slipped price on the tick grid, rounded against the trader: up for a buy, down for a
    /// sell (1e-6 of a tick absorbs float dust, so a price on the grid stays where it is).
    fn grid_against(&self, p: f64, buy: bool) -> f64 {
        let q = p / self.opts.tick_size;
        self.grid(if buy { (q - 1e-6).ceil() } else { (q + 1e-6).floor() })
    }

    /// Ends the working order `book[i]` at the current tick with an event (`on_tick` drops it
    /// from the book when its loop ends).
    fn finish(&mut self, i: usize, t: i64, k: usize, kind: i64, reason: i64, reference: f64) {
        let o = self.book[i].clone();
        self.ids.insert(o.id, false);
        self.event_full(t, o.id as f64, kind, reason, k as i64, f64::NAN, o.qty, 0.0, reference, 0.0, o.position, 0.0);
        self.cancel_children(o.id, t);
    }

    /// A tick reached a trigger (or an order is fresh): matches the book at tick `k`
    /// (`size`: the tick's size, for the volume cap). Returns whether order events happened.
    pub fn on_tick(&mut self, t: i64, k: usize, bid: f64, ask: f64, size: f64) -> bool {
        self.fold();
        self.clock = self.clock.max(t);
        self.bid = bid;
        self.ask = ask;
        let before = self.events.len();
        let through = self.opts.limit_through;
        let tick = self.opts.tick_size;
        // Bar model: between two points of one bar the path is continuous (no gap).
        let inside = self.opts.fill == FillModel::Bar && !k.is_multiple_of(PATH_POINTS);
        let mut avail = if self.opts.participation > 0.0 && self.sized { self.floor_lots(size * self.opts.participation) } else { f64::INFINITY };
        let mut done_oco: Vec<(u64, u64)> = Vec::new();
        let mut activate: Vec<u64> = Vec::new();
        // Resting orders this tick reaches join the active ones (best first per class).
        for c in [BUY_LOW, BUY_HIGH, SELL_LOW, SELL_HIGH] {
            let px = if c == BUY_LOW || c == BUY_HIGH { ask } else { bid };
            while let Some(o) = self.rest[c].pop_reached(px) {
                self.book.push(o);
            }
        }
        self.in_tick = true;
        // Orders that stay are moved to the front as the loop goes (`book[..kept]`, in book
        // order); the ones that end are dropped after it: O(book), not O(book) per fill.
        let mut i = 0;
        let mut kept = 0;
        while i < self.book.len() {
            let mut o = self.book[i].clone();
            if o.oco != 0 && done_oco.iter().any(|d| d.0 == o.oco) {
                self.book.swap(kept, i);
                kept += 1;
                i += 1;
                continue;
            }
            let buy = o.buy();
            let px = if buy { ask } else { bid };
            // at_or_better(a, b): a is at least as good a price for the order as b.
            let at_or_better = |a: f64, b: f64| if buy { a <= b } else { a >= b };
            let beyond = |a: f64, b: f64| if buy { a < b } else { a > b };
            let reached = |a: f64, stop: f64| if buy { a >= stop } else { a <= stop };
            let mut fill: Option<(f64, i64, bool)> = None; // (reference price, reason, slippage applies)
            match o.typ {
                TYPE_MARKET => fill = Some((px, R_MARKET, true)),
                TYPE_STOP | TYPE_TRAIL => {
                    if o.typ == TYPE_TRAIL && (o.best.is_nan() || beyond(px, o.best)) {
                        o.best = px;
                        let d = o.trail_distance(px);
                        // On the grid, away from the price (1e-6 of a tick absorbs float dust).
                        let s = if buy { self.grid(((px + d) / tick - 1e-6).ceil()) } else { self.grid(((px - d) / tick + 1e-6).floor()) };
                        if o.stop.is_nan() || beyond(s, o.stop) {
                            o.stop = s;
                        }
                    }
                    let rule = if o.typ == TYPE_TRAIL { R_TRAIL } else { R_STOP };
                    if o.triggered {
                        fill = Some((px, rule, true));
                    } else if reached(px, o.stop) {
                        if inside && !o.fresh {
                            fill = Some((o.stop, R_STOP_PATH, true));
                        } else {
                            let gap = (px - o.stop).abs() > tick * 1.000001 && (!o.fresh || o.armed);
                            fill = Some((px, if gap { R_STOP_GAP } else { rule }, true));
                        }
                    }
                }
                TYPE_MIT => {
                    if o.triggered {
                        fill = Some((px, R_MIT, true));
                    } else if at_or_better(px, o.stop) {
                        fill = Some(if inside && !o.fresh { (o.stop, R_STOP_PATH, true) } else { (px, R_MIT, true) });
                    }
                }
                TYPE_LIMIT | TYPE_STOP_LIMIT => {
                    let mut limit_fresh = o.fresh;
                    let mut path_trigger = false;
                    if o.typ == TYPE_STOP_LIMIT && !o.triggered && reached(px, o.stop) {
                        o.triggered = true;
                        o.closest = f64::NAN;
                        limit_fresh = true;
                        // Bar model: the path crossed the stop between two points.
                        path_trigger = inside && !o.fresh;
                        let at = if path_trigger { o.stop } else { px };
                        self.event_full(t, o.id as f64, KIND_TRIGGERED, R_STOP_TRIGGERED, k as i64, at, o.qty, 0.0, at, 0.0, o.position, o.qty);
                    }
                    if path_trigger {
                        // At the crossing the market was at the stop: marketable there if the
                        // stop is at or better than the limit, else the limit rests and the
                        // rest of the leg may reach it.
                        if at_or_better(o.stop, o.limit) {
                            fill = Some((o.stop, R_STOP_PATH, false));
                        } else if at_or_better(px, o.limit) {
                            fill = Some((o.limit, R_LIMIT_RESTING, false));
                        }
                    } else if o.typ == TYPE_LIMIT || o.triggered {
                        if limit_fresh && at_or_better(px, o.limit) {
                            fill = Some((px, R_LIMIT_MARKETABLE, false));
                        } else if if through { beyond(px, o.limit) } else { at_or_better(px, o.limit) } {
                            fill = Some((o.limit, R_LIMIT_RESTING, false));
                        }
                    }
                }
                _ => {}
            }
            let mut filled_now = false;
            if let Some((reference, reason, slips)) = fill {
                if o.tif == TIF_FOK && avail < o.qty - EPS {
                    self.finish(i, t, k, KIND_EXPIRED, R_FOK_UNFILLED, px);
                    i += 1;
                    continue;
                }
                let q0 = self.floor_lots(o.qty.min(avail));
                let q = self.fillable(&o, q0);
                if q0 > 0.0 && q <= 0.0 {
                    // Hedging: the position this order closes is gone.
                    self.finish(i, t, k, KIND_CANCELLED, R_POSITION_CLOSED, px);
                    i += 1;
                    continue;
                }
                if q > 0.0 {
                    let s = if slips { self.slip(reference) } else { 0.0 };
                    let price = if s > 0.0 { self.grid_against(reference + o.side * s, buy) } else { reference };
                    let kind = if q >= o.qty - EPS { KIND_FILLED } else { KIND_PARTIAL };
                    if let Err(reason) = self.fill(t, k, &mut o, q, price, reference, reason, kind) {
                        self.finish(i, t, k, KIND_REJECTED, reason, px);
                        i += 1;
                        continue;
                    }
                    filled_now = true;
                    avail -= q;
                    o.qty = self.snap_lots(o.qty - q);
                    o.filled += q;
                    if o.oco != 0 {
                        done_oco.push((o.oco, o.id));
                    }
                    if o.qty <= EPS {
                        self.ids.insert(o.id, false);
                        activate.push(o.id);
                        i += 1;
                        continue;
                    }
                    if o.tif == TIF_IOC {
                        self.book[i] = o;
                        self.finish(i, t, k, KIND_CANCELLED, R_IOC_REMAINDER, px);
                        i += 1;
                        continue;
                    }
                    if self.opts.hedging && o.position != 0 && !self.positions.iter().any(|p| p.id == o.position) {
                        self.book[i] = o;
                        self.finish(i, t, k, KIND_CANCELLED, R_POSITION_CLOSED, px);
                        i += 1;
                        continue;
                    }
                }
                // Reached but (partly) unfilled for lack of volume: the rest is a market order.
                if matches!(o.typ, TYPE_STOP | TYPE_MIT | TYPE_TRAIL) {
                    o.triggered = true;
                }
            }
            if matches!(o.tif, TIF_IOC | TIF_FOK) && !filled_now {
                let reason = if o.tif == TIF_IOC { R_IOC_UNFILLED } else { R_FOK_UNFILLED };
                self.book[i] = o;
                self.finish(i, t, k, KIND_EXPIRED, reason, px);
                i += 1;
                continue;
            }
            o.fresh = false;
            if o.closest.is_nan() && !o.market_like() {
                o.closest = px;
            }
            self.book[i] = o;
            self.book.swap(kept, i);
            kept += 1;
            i += 1;
        }
        self.book.truncate(kept);
        self.in_tick = false;
        for (oco, id) in done_oco {
            self.cancel_oco(oco, id, t);
        }
        for id in activate {
            self.activate_children(id, t, k as i64);
        }
        self.update_triggers();
        self.events.len() > before
    }
}
