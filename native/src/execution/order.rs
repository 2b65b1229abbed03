//! Order commands: submit, cancel and modify, each validated and answered with an event.

use super::layout::*;
use super::Broker;

#[derive(Clone, Debug)]
pub(super) struct Order {
    pub id: u64,
    pub typ: i64,
    /// +1 buy, -1 sell
    pub side: f64,
    /// Quantity still to fill.
    pub qty: f64,
    pub filled: f64,
    pub limit: f64,
    pub stop: f64,
    pub tif: i64,
    /// Expiry (DAY: session end; GTD: given); i64::MAX for none.
    pub expire: i64,
    /// A cancel sent with latency takes effect at this time; i64::MAX for none.
    pub cancel_at: i64,
    pub effective: i64,
    /// Stop-limit: the stop was reached, the order is now a limit. Stop / MIT / trailing
    /// stop partly filled under the volume cap: the rest fills at the market.
    pub triggered: bool,
    /// Active since the current tick (matched as arriving: marketable limits fill at the market).
    pub fresh: bool,
    /// The closest the market came (price the order watches), NaN before any tick.
    pub closest: f64,
    /// When sent, the market had not yet reached the stop (a fill beyond it on the first
    /// tick is then a gap, not a stop that was marketable on arrival).
    pub armed: bool,
    /// Trailing stop: distance in price units, or percent; the best price seen (NaN before).
    pub trail: f64,
    pub trail_pct: f64,
    pub best: f64,
    pub parent: u64,
    pub oco: u64,
    /// Hedging: the position this order closes (0: it opens its own).
    pub position: u64,
    /// Netting: a fill of this order already counted as an entry (pyramiding).
    pub entered: bool,
    /// In `rest`: effective trigger price, epoch, insertion number.
    pub eff: f64,
    pub epoch: usize,
    pub key_n: u64,
}

impl Order {
    pub fn buy(&self) -> bool {
        self.side > 0.0
    }
    /// Behaves like a market order (any tick may fill it).
    pub fn market_like(&self) -> bool {
        self.typ == TYPE_MARKET || (self.triggered && matches!(self.typ, TYPE_STOP | TYPE_MIT | TYPE_TRAIL))
    }
    /// Watches prices falling towards it (buy limit, buy MIT, sell stop) or rising.
    pub fn watches_low(&self) -> bool {
        let limit_like = matches!(self.typ, TYPE_LIMIT | TYPE_MIT) || (self.typ == TYPE_STOP_LIMIT && self.triggered);
        limit_like == self.buy()
    }
    pub fn watched_price(&self) -> f64 {
        match self.typ {
            TYPE_LIMIT => self.limit,
            TYPE_STOP_LIMIT if self.triggered => self.limit,
            _ => self.stop,
        }
    }
    /// The trailing distance at the best price `best`.
    pub fn trail_distance(&self, best: f64) -> f64 {
        if self.trail > 0.0 {
            self.trail
        } else {
            best * self.trail_pct / 100.0
        }
    }
}

/// A modification sent with latency, applied at `at`.
#[derive(Clone, Debug)]
pub(super) struct Modify {
    pub at: i64,
    pub id: u64,
    pub qty: f64,
    pub limit: f64,
    pub stop: f64,
    pub trail: f64,
    pub trail_pct: f64,
}

fn opt(v: f64) -> f64 {
    if v.is_nan() {
        f64::NAN
    } else {
        v
    }
}

impl Broker {
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
        if action == ACT_CANCEL as f64 || action == ACT_MODIFY as f64 {
            match self.ids.get(&id) {
                None => return reject(self, R_UNKNOWN_ORDER),
                Some(false) => return reject(self, R_ORDER_DONE),
                Some(true) => {}
            }
        }
        if action == ACT_CANCEL as f64 {
            if self.opts.latency > 0 {
                // The cancel takes effect later: model it as an expiry at now + latency.
                let at = now.saturating_add(self.opts.latency);
                // Resting orders by their index (no scan of every working order per cancel).
                let resting = self.rest.iter_mut().find_map(|r| r.get_mut(id));
                for o in self.pending.iter_mut().chain(self.book.iter_mut()).chain(self.held.iter_mut()).chain(resting) {
                    if o.id == id {
                        o.cancel_at = o.cancel_at.min(at);
                    }
                }
                self.next_expiry = self.next_expiry.min(at);
                self.update_triggers();
            } else {
                self.fold();
                self.remove(id, now, KIND_CANCELLED, R_CANCEL_REQUEST);
            }
            return;
        }
        if action == ACT_MODIFY as f64 {
            let m = Modify { at: now.saturating_add(self.opts.latency), id, qty: f(O_QTY), limit: f(O_LIMIT), stop: f(O_STOP), trail: f(O_TRAIL), trail_pct: f(O_TRAIL_PERCENT) };
            if let Err(reason) = self.check_modify(&m) {
                return reject(self, reason);
            }
            if self.opts.latency > 0 {
                self.mods.push(m);
                self.next_time = self.next_time.min(now.saturating_add(self.opts.latency));
            } else {
                self.apply_modify(&m, now);
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
        if !(typ.fract() == 0.0 && (0.0..=5.0).contains(&typ)) {
            return reject(self, R_BAD_TYPE);
        }
        let typ = typ as i64;
        let side = f(O_SIDE);
        if side != 1.0 && side != -1.0 {
            return reject(self, R_BAD_SIDE);
        }
        let qty = f(O_QTY);
        if !self.good_qty(qty) {
            return reject(self, R_BAD_QTY);
        }
        let qty = self.snap_lots(qty);
        let tif = f(O_TIF);
        if !(tif.fract() == 0.0 && (0.0..=4.0).contains(&tif)) {
            return reject(self, R_BAD_TIF);
        }
        let tif = tif as i64;
        let (limit, stop) = (f(O_LIMIT), f(O_STOP));
        let need_limit = matches!(typ, TYPE_LIMIT | TYPE_STOP_LIMIT);
        let need_stop = matches!(typ, TYPE_STOP | TYPE_STOP_LIMIT | TYPE_MIT);
        let may_stop = typ == TYPE_TRAIL && !stop.is_nan();
        for (need, p) in [(need_limit, limit), (need_stop || may_stop, stop)] {
            if need {
                if !(p.is_finite() && p > 0.0) {
                    return reject(self, R_BAD_PRICE);
                }
                if !self.on_grid(p) {
                    return reject(self, R_OFF_GRID);
                }
            }
        }
        let (trail, trail_pct) = (f(O_TRAIL), f(O_TRAIL_PERCENT));
        if typ == TYPE_TRAIL {
            let ok = |v: f64| v.is_finite() && v > 0.0;
            let absent = |v: f64| v.is_nan() || v == 0.0;
            let good = (ok(trail) && absent(trail_pct)) || (absent(trail) && ok(trail_pct) && trail_pct < 100.0);
            if !good {
                return reject(self, R_BAD_TRAIL);
            }
        }
        let parent = f(O_PARENT);
        let parent = if parent.is_finite() && parent >= 1.0 { parent as u64 } else { 0 };
        if parent != 0 && self.ids.get(&parent) != Some(&true) {
            return reject(self, R_UNKNOWN_PARENT);
        }
        let oco = f(O_OCO);
        let oco = if oco.is_finite() && oco >= 1.0 { oco as u64 } else { 0 };
        let position = f(O_POSITION);
        let position = if position.is_finite() && position >= 1.0 { position as u64 } else { 0 };
        if position != 0 {
            if !self.opts.hedging {
                return reject(self, R_NOT_HEDGING);
            }
            // A named position must be open (or opened by the parent of a bracket child),
            // and on the other side.
            let open = self.positions.iter().find(|p| p.id == position).map(|p| p.side != side);
            match open {
                Some(true) => {}
                Some(false) => return reject(self, R_UNKNOWN_POSITION),
                None if parent == position => {}
                None => return reject(self, R_UNKNOWN_POSITION),
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
        let mut o = Order {
            id,
            typ,
            side,
            qty,
            filled: 0.0,
            limit: if need_limit { limit } else { f64::NAN },
            stop: if need_stop || may_stop { stop } else { f64::NAN },
            tif,
            expire,
            cancel_at: i64::MAX,
            effective,
            triggered: false,
            fresh: false,
            closest: f64::NAN,
            armed: false,
            trail: if typ == TYPE_TRAIL { opt(trail) } else { f64::NAN },
            trail_pct: if typ == TYPE_TRAIL { opt(trail_pct) } else { f64::NAN },
            best: f64::NAN,
            parent,
            oco,
            position,
            entered: false,
            eff: f64::NAN,
            epoch: 0,
            key_n: 0,
        };
        o.armed = self.armed(&o);
        if parent == 0 && position == 0 {
            if let Err(reason) = self.margin_on_submit(&o) {
                return reject(self, reason);
            }
        }
        self.ids.insert(id, true);
        self.next_expiry = self.next_expiry.min(expire);
        self.event_full(now, id_f, KIND_ACCEPTED, R_OK, -1, f64::NAN, qty, 0.0, f64::NAN, 0.0, position, qty);
        if parent != 0 {
            self.held.push(o);
        } else {
            self.pending.push(o);
            self.next_time = self.next_time.min(effective);
        }
    }

    fn good_qty(&self, qty: f64) -> bool {
        if !(qty.is_finite() && qty > 0.0) {
            return false;
        }
        let lots = qty / self.opts.lot_size;
        (lots - lots.round()).abs() <= 1e-9 * lots.max(1.0)
    }

    /// The market (as last seen) has not reached the order's stop yet.
    pub(super) fn armed(&self, o: &Order) -> bool {
        let px = if o.buy() { self.ask } else { self.bid };
        if o.buy() {
            px < o.stop
        } else {
            px > o.stop
        }
    }

    fn find(&self, id: u64) -> Option<&Order> {
        let active = self.book.iter().chain(self.pending.iter()).chain(self.held.iter()).find(|o| o.id == id);
        active.or_else(|| self.rest.iter().find_map(|r| r.get(id)))
    }

    fn check_modify(&self, m: &Modify) -> Result<(), i64> {
        let o = self.find(m.id).ok_or(R_ORDER_DONE)?;
        let qty_ok = m.qty.is_nan() || (self.good_qty(m.qty) && m.qty > o.filled + self.opts.lot_size * 1e-9);
        if !qty_ok {
            return Err(R_BAD_QTY);
        }
        let has_limit = matches!(o.typ, TYPE_LIMIT | TYPE_STOP_LIMIT);
        let has_stop = matches!(o.typ, TYPE_STOP | TYPE_STOP_LIMIT | TYPE_MIT | TYPE_TRAIL);
        for (has, p) in [(has_limit, m.limit), (has_stop, m.stop)] {
            if p.is_nan() {
                continue;
            }
            if !(has && p.is_finite() && p > 0.0) {
                return Err(R_BAD_PRICE);
            }
            if !self.on_grid(p) {
                return Err(R_OFF_GRID);
            }
        }
        for v in [m.trail, m.trail_pct] {
            if !v.is_nan() && (o.typ != TYPE_TRAIL || !(v.is_finite() && v > 0.0)) {
                return Err(R_BAD_TRAIL);
            }
        }
        Ok(())
    }

    /// Applies a modification to a working order (re-checked: it may have filled meanwhile).
    pub(super) fn apply_modify(&mut self, m: &Modify, t: i64) {
        if let Err(reason) = self.check_modify(m) {
            self.event(t, m.id as f64, KIND_REJECTED, reason, -1, f64::NAN, m.qty, 0.0, f64::NAN, 0.0);
            return;
        }
        self.fold();
        // A resting order leaves its place in `rest` (its key changes): active until settled.
        for c in 0..self.rest.len() {
            if let Some(o) = self.rest[c].take(m.id) {
                self.book.push(o);
                break;
            }
        }
        let lot = self.opts.lot_size;
        let (bid, ask) = (self.bid, self.ask);
        let o = self.book.iter_mut().chain(self.pending.iter_mut()).chain(self.held.iter_mut()).find(|o| o.id == m.id).expect("checked");
        if !m.qty.is_nan() {
            o.qty = ((m.qty - o.filled) / lot).round() * lot;
        }
        if !m.limit.is_nan() {
            o.limit = m.limit;
        }
        if !m.stop.is_nan() {
            o.stop = m.stop;
            let px = if o.buy() { ask } else { bid };
            o.armed = if o.buy() { px < o.stop } else { px > o.stop };
        }
        if !m.trail.is_nan() {
            o.trail = m.trail;
            o.trail_pct = f64::NAN;
        }
        if !m.trail_pct.is_nan() {
            o.trail_pct = m.trail_pct;
            o.trail = f64::NAN;
        }
        o.closest = f64::NAN;
        // Matched as arriving on the next tick: a limit moved through the market fills at
        // the market (LIMIT_MARKETABLE), not at its limit.
        o.fresh = true;
        let (id, qty, price) = (o.id, o.qty, o.watched_price());
        self.event_full(t, id as f64, KIND_MODIFIED, R_MODIFIED, -1, price, qty, 0.0, f64::NAN, 0.0, 0, qty);
        self.update_triggers();
    }

    /// Removes a working order with an event (cancel or expiry) carrying its closest
    /// price; its bracket children still held are cancelled with it.
    pub(super) fn remove(&mut self, id: u64, t: i64, kind: i64, reason: i64) {
        let o = if let Some(i) = self.book.iter().position(|o| o.id == id) {
            self.book.remove(i)
        } else if let Some(i) = self.pending.iter().position(|o| o.id == id) {
            self.pending.remove(i)
        } else if let Some(i) = self.held.iter().position(|o| o.id == id) {
            self.held.remove(i)
        } else if let Some(o) = self.rest.iter_mut().find_map(|r| r.take(id)) {
            o
        } else {
            return;
        };
        self.ids.insert(id, false);
        self.event_full(t, id as f64, kind, reason, -1, f64::NAN, o.qty, 0.0, o.closest, 0.0, o.position, 0.0);
        self.cancel_children(id, t);
        self.update_triggers();
    }
}
