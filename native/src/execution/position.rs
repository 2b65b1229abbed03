//! Fills into positions (netting: one per instrument; hedging: one per opening order),
//! pyramiding and margin checks, closed-trade records.

use super::layout::*;
use super::order::Order;
use super::Broker;

/// An open position and the running record of its trade.
#[derive(Clone, Debug, Default)]
pub(super) struct Position {
    /// The id of the order that opened it.
    pub id: u64,
    pub side: f64,
    pub qty: f64,
    pub avg: f64,
    /// Entries (fills of distinct orders adding to it; pyramiding).
    pub entries: u32,
    pub entry_time: i64,
    pub entry_bars: u64,
    pub max_qty: f64,
    pub entry_value: f64,
    pub entry_qty: f64,
    pub exit_value: f64,
    pub exit_qty: f64,
    pub pnl: f64,
    pub commission: f64,
    pub slippage: f64,
    pub mae: f64,
    pub mfe: f64,
}

/// How a fill of an order meets the positions.
enum Plan {
    /// Add to (or open, when absent) the position at this index / with this id.
    Add(Option<usize>),
    /// Reduce the position at this index by up to the fill; a rest opens the other side (netting).
    Reduce(usize),
}

impl Broker {
    fn plan(&self, o: &Order) -> Result<Plan, i64> {
        if self.opts.hedging {
            if o.position != 0 {
                return match self.positions.iter().position(|p| p.id == o.position) {
                    Some(i) if self.positions[i].side != o.side => Ok(Plan::Reduce(i)),
                    _ => Err(R_POSITION_CLOSED),
                };
            }
            return Ok(Plan::Add(self.positions.iter().position(|p| p.id == o.id)));
        }
        match self.positions.first() {
            None => Ok(Plan::Add(None)),
            Some(p) if p.side == o.side => Ok(Plan::Add(Some(0))),
            Some(_) => Ok(Plan::Reduce(0)),
        }
    }

    /// Quantity of `o` a fill may take now (hedging: not more than the named position).
    pub(super) fn fillable(&self, o: &Order, q: f64) -> f64 {
        match self.plan(o) {
            Ok(Plan::Reduce(i)) if self.opts.hedging => q.min(self.positions[i].qty),
            Err(_) => 0.0,
            _ => q,
        }
    }

    /// Margin the exposure `add` (units) at `price` would need on top of the used margin.
    fn margin_ok(&self, add: f64, price: f64, commission: f64) -> bool {
        if self.opts.leverage <= 0.0 || add <= 0.0 {
            return true;
        }
        let need = self.used_margin() + add * price * self.opts.multiplier / self.opts.leverage;
        need <= self.equity() - commission + 1e-9
    }

    /// Submit-time margin check of an order that would open or add exposure, at its own
    /// price (limit, stop) or the current mark.
    pub(super) fn margin_on_submit(&self, o: &Order) -> Result<(), i64> {
        if self.opts.leverage <= 0.0 {
            return Ok(());
        }
        let net = self.net();
        let add = if self.opts.hedging { o.qty } else { ((net + o.side * o.qty).abs() - net.abs()).max(0.0) };
        let px = if o.typ == TYPE_LIMIT || o.typ == TYPE_STOP_LIMIT {
            o.limit
        } else if !o.stop.is_nan() {
            o.stop
        } else if o.buy() {
            self.ask
        } else {
            self.bid
        };
        if px.is_nan() || self.margin_ok(add, px, 0.0) {
            Ok(())
        } else {
            Err(R_INSUFFICIENT_MARGIN)
        }
    }

    /// Books a fill of `q` units of `o` at `price`, with the event of `kind`. Returns the
    /// rejection reason instead when the fill would break the pyramiding limit or the margin.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fill(&mut self, t: i64, k: usize, o: &mut Order, q: f64, price: f64, reference: f64, reason: i64, kind: i64) -> Result<(), i64> {
        let m = self.opts.multiplier;
        let notional = q * price * m;
        let comm = self.opts.commission.of(q, notional);
        let plan = self.plan(o)?;
        let max = self.opts.max_entries;
        let add = match plan {
            Plan::Add(i) => {
                if max > 0 {
                    let new_entry = match i {
                        None => true,
                        Some(i) => !self.opts.hedging && !o.entered && self.positions[i].id != o.id,
                    };
                    let count = if self.opts.hedging {
                        self.positions.iter().filter(|p| p.side == o.side).count() as u32
                    } else {
                        i.map_or(0, |i| self.positions[i].entries)
                    };
                    if new_entry && count >= max {
                        return Err(R_PYRAMIDING);
                    }
                }
                q
            }
            Plan::Reduce(i) => (q - self.positions[i].qty).max(0.0),
        };
        if !self.margin_ok(add, price, comm) {
            return Err(R_INSUFFICIENT_MARGIN);
        }
        let slip_money = (price - reference).abs() * q * m;
        self.cash -= o.side * q * price * m + comm;
        self.commission += comm;
        self.slippage += slip_money;
        self.fills += 1;
        let mut realised = 0.0;
        let pid;
        match plan {
            Plan::Add(i) => {
                pid = self.open_or_add(t, i, o, q, price, comm, slip_money);
            }
            Plan::Reduce(i) => {
                let p = &mut self.positions[i];
                pid = p.id;
                let closing = q.min(p.qty);
                realised = (price - p.avg) * closing * p.side * m;
                let frac = closing / q;
                p.qty = ((p.qty - closing) / self.opts.lot_size).round() * self.opts.lot_size;
                p.exit_value += price * closing;
                p.exit_qty += closing;
                p.pnl += realised;
                p.commission += comm * frac;
                p.slippage += slip_money * frac;
                self.realised += realised;
                if p.qty <= 0.0 {
                    let p = self.positions.remove(i);
                    self.close_trade(t, p);
                }
                let rest = self.snap_lots(q - closing);
                if rest > 0.0 {
                    self.open_or_add(t, None, o, rest, price, comm * (1.0 - frac), slip_money * (1.0 - frac));
                }
            }
        }
        let remaining = self.snap_lots(o.qty - q);
        self.event_full(t, o.id as f64, kind, reason, k as i64, price, q, comm, reference, realised, pid, remaining);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn open_or_add(&mut self, t: i64, i: Option<usize>, o: &mut Order, q: f64, price: f64, comm: f64, slip: f64) -> u64 {
        let bars = self.bars;
        let i = match i {
            Some(i) => i,
            None => {
                self.positions.push(Position { id: o.id, side: o.side, avg: price, entry_time: t, entry_bars: bars, entries: 1, ..Default::default() });
                o.entered = true;
                self.positions.len() - 1
            }
        };
        let lot = self.opts.lot_size;
        let p = &mut self.positions[i];
        p.avg = if p.qty == 0.0 { price } else { (p.avg * p.qty + price * q) / (p.qty + q) };
        p.qty = ((p.qty + q) / lot).round() * lot;
        if !o.entered {
            p.entries += 1;
            o.entered = true;
        }
        p.entry_value += price * q;
        p.entry_qty += q;
        p.max_qty = p.max_qty.max(p.qty);
        p.commission += comm;
        p.slippage += slip;
        p.id
    }

    fn close_trade(&mut self, t: i64, p: Position) {
        let mut r = [0u64; TRADE_SLOTS];
        r[T_ENTRY_TIME] = p.entry_time as u64;
        r[T_EXIT_TIME] = t as u64;
        r[T_SIDE] = p.side.to_bits();
        r[T_QTY] = p.max_qty.to_bits();
        r[T_ENTRY_PRICE] = (p.entry_value / p.entry_qty).to_bits();
        r[T_EXIT_PRICE] = (p.exit_value / p.exit_qty).to_bits();
        r[T_PNL] = p.pnl.to_bits();
        r[T_COMMISSION] = p.commission.to_bits();
        r[T_MAE] = p.mae.min(0.0).to_bits();
        r[T_MFE] = p.mfe.max(0.0).to_bits();
        r[T_BARS] = ((self.bars - p.entry_bars) as f64).to_bits();
        r[T_SLIPPAGE] = p.slippage.to_bits();
        r[T_POSITION] = (p.id as f64).to_bits();
        self.trades.push(r);
    }
}
