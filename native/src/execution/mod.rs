//! The simulated broker: orders, fills, positions (netting or hedging) and their
//! accounting, driven by the engine's tick loop (no N-API here).
//!
//! Modules: `order` (commands: submit, cancel, modify; validation), `matching` (the tick
//! and time callbacks, fill rules, volume cap), `position` (fills into positions, margin,
//! closed trades), `bracket` (bracket children, OCO groups), `bars` (the bar-data path).
//!
//! Matching is threshold based: the book keeps four trigger prices (buys watch the ask,
//! sells the bid; in the trade model bid = ask = the tick price) and the tick loop calls
//! `on_tick` only on a tick that reaches one of them, so 1,000 resting orders cost the
//! loop four comparisons per tick. Orders take effect `latency` microseconds after they
//! are sent (`on_time` activates them at the first tick at or after that time); a freshly
//! active order is matched on that tick. Every order event is recorded with a reason
//! (`layout::R_*`). The fill rules are documented in native/README.md.

pub mod bars;
mod book;
mod bracket;
pub mod layout;
mod matching;
mod order;
mod position;

use book::Rest;
use layout::*;
use order::{Modify, Order};
use position::Position;
use std::collections::HashMap;

use crate::session::Session;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FillModel {
    /// Fill at the tick price (the engine's price source).
    Trade,
    /// Buy at the ask, sell at the bid.
    Quote,
    /// Bar data replayed as 4 path points per bar (`bars::bar_path`): trade rules, except
    /// that a stop / MIT / trailing stop reached between two points of a bar fills at its
    /// own price (the path is continuous inside a bar; only the open can gap).
    Bar,
}

/// The slipped fill price is rounded to the tick grid against the trader (buy: up, sell:
/// down; `Broker::grid_against`), so fractional ticks and percentages never fill off the grid.
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
    /// Volume participation cap: a fraction (0, 1] of each tick's size that orders may
    /// fill on that tick (partial fills across ticks); 0 = no cap. Needs a size column.
    pub participation: f64,
    /// Several concurrent positions per instrument, each with its id.
    pub hedging: bool,
    /// Pyramiding: most entries in one direction (netting: fills adding to the position;
    /// hedging: open positions per side); 0 = no limit.
    pub max_entries: u32,
    /// Leverage for the margin check (used margin = exposure / leverage <= equity); 0 = none.
    pub leverage: f64,
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
            participation: 0.0,
            hedging: false,
            max_entries: 0,
            leverage: 0.0,
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
        if !(self.participation.is_finite() && (0.0..=1.0).contains(&self.participation)) {
            return Err(format!("execution.participation is {}; it must be in [0, 1] (0 = no cap)", self.participation));
        }
        if !(self.leverage.is_finite() && self.leverage >= 0.0) {
            return Err(format!("execution.leverage is {}; it must be finite and >= 0 (0 = no margin check)", self.leverage));
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

/// The broker of one instrument.
pub struct Broker {
    opts: ExecOptions,
    session: Session,
    /// Sent, not yet effective (latency), in the order sent.
    pending: Vec<Order>,
    /// Bracket children waiting for their parent's complete fill.
    held: Vec<Order>,
    /// Active orders that need a look on every tick they could act on (fresh, market,
    /// trailing, or just taken from `rest`), in the order they became effective.
    book: Vec<Order>,
    /// Resting orders sorted by trigger price (`book::BUY_LOW` ...).
    rest: [Rest; 4],
    /// Insertion counter of `rest` (time priority at one price).
    rest_n: u64,
    /// Within `on_tick`'s loop over `book` (orders stay there until it ends).
    in_tick: bool,
    /// No working order expires (or is cancelled with latency) before this time; may be
    /// early (an order that had it was filled): `on_time` then rescans.
    next_expiry: i64,
    /// Modifications sent with latency, applied at their time.
    mods: Vec<Modify>,
    /// Known ids: true while the order is working (pending, held or in the book).
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
    /// The current batch has a size column (written by the engine; the volume cap needs it).
    pub sized: bool,
    clock: i64,
    rng: u64,
    // Account
    cash: f64,
    positions: Vec<Position>,
    realised: f64,
    commission: f64,
    slippage: f64,
    fills: u64,
    bid: f64,
    ask: f64,
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
            held: Vec::new(),
            book: Vec::new(),
            rest: [Rest::new(0), Rest::new(1), Rest::new(2), Rest::new(3)],
            rest_n: 0,
            in_tick: false,
            next_expiry: i64::MAX,
            mods: Vec::new(),
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
            sized: false,
            clock: i64::MIN,
            // splitmix64 of the seed: never 0 for xorshift.
            rng: splitmix(seed) | 1,
            cash,
            positions: Vec::new(),
            realised: 0.0,
            commission: 0.0,
            slippage: 0.0,
            fills: 0,
            bid: f64::NAN,
            ask: f64::NAN,
        };
        b.update_triggers();
        Ok(b)
    }

    pub fn options(&self) -> &ExecOptions {
        &self.opts
    }

    /// Buys at the ask and sells at the bid (the loop needs both columns).
    pub fn quotes(&self) -> bool {
        self.opts.fill == FillModel::Quote
    }

    pub fn open_orders(&self) -> usize {
        self.pending.len() + self.held.len() + self.book.len() + self.rest.iter().map(|r| r.len()).sum::<usize>()
    }

    fn on_grid(&self, p: f64) -> bool {
        let q = p / self.opts.tick_size;
        (q - q.round()).abs() <= 1e-6 * q.abs().max(1.0)
    }

    fn snap_lots(&self, q: f64) -> f64 {
        (q / self.opts.lot_size).round() * self.opts.lot_size
    }

    fn floor_lots(&self, q: f64) -> f64 {
        if q.is_infinite() {
            return q;
        }
        (q / self.opts.lot_size + 1e-9).floor() * self.opts.lot_size
    }

    /// Net signed position (sum over the open positions).
    pub fn net(&self) -> f64 {
        self.snap_lots(self.positions.iter().map(|p| p.side * p.qty).sum::<f64>())
    }

    #[allow(clippy::too_many_arguments)]
    fn event(&mut self, t: i64, id: f64, kind: i64, reason: i64, tick: i64, price: f64, qty: f64, commission: f64, reference: f64, realised: f64) {
        self.event_full(t, id, kind, reason, tick, price, qty, commission, reference, realised, 0, f64::NAN);
    }

    #[allow(clippy::too_many_arguments)]
    fn event_full(
        &mut self,
        t: i64,
        id: f64,
        kind: i64,
        reason: i64,
        tick: i64,
        price: f64,
        qty: f64,
        commission: f64,
        reference: f64,
        realised: f64,
        position: u64,
        remaining: f64,
    ) {
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
        e[E_POSITION] = self.net().to_bits();
        e[E_REALISED] = realised.to_bits();
        e[E_SEQ] = (self.seq as f64).to_bits();
        e[E_POSITION_ID] = (position as f64).to_bits();
        e[E_REMAINING] = remaining.to_bits();
        self.events.push(e);
    }

    /// The last applied tick's bid and ask (for marking); call when control returns to JS.
    pub fn set_marks(&mut self, bid: f64, ask: f64) {
        self.bid = bid;
        self.ask = ask;
    }

    /// Mark of a position side: the bid for a long, the ask for a short.
    fn mark_of(&self, side: f64) -> f64 {
        if side < 0.0 {
            self.ask
        } else {
            self.bid
        }
    }

    pub fn mark(&self) -> f64 {
        self.mark_of(self.net())
    }

    pub fn used_margin(&self) -> f64 {
        if self.opts.leverage <= 0.0 {
            return 0.0;
        }
        let m = self.opts.multiplier;
        self.positions.iter().map(|p| p.qty * self.mark_of(p.side) * m).sum::<f64>() / self.opts.leverage
    }

    pub fn equity(&self) -> f64 {
        let m = self.opts.multiplier;
        self.cash + self.positions.iter().map(|p| p.side * p.qty * self.mark_of(p.side) * m).sum::<f64>()
    }

    pub fn account(&self) -> [f64; ACCOUNT_SLOTS] {
        let mut a = [0.0; ACCOUNT_SLOTS];
        let m = self.opts.multiplier;
        let net = self.net();
        let unreal: f64 = self.positions.iter().map(|p| (self.mark_of(p.side) - p.avg) * p.side * p.qty * m).sum();
        let same_side = self.positions.windows(2).all(|w| w[0].side == w[1].side);
        let avg = if self.positions.is_empty() || !same_side {
            f64::NAN
        } else {
            let q: f64 = self.positions.iter().map(|p| p.qty).sum();
            self.positions.iter().map(|p| p.avg * p.qty).sum::<f64>() / q
        };
        a[A_CASH] = self.cash;
        a[A_EQUITY] = self.equity();
        a[A_POSITION] = net;
        a[A_AVG_PRICE] = avg;
        a[A_REALISED] = self.realised;
        a[A_UNREALISED] = unreal;
        a[A_COMMISSION] = self.commission;
        a[A_MARK] = self.mark();
        a[A_OPEN_ORDERS] = self.open_orders() as f64;
        a[A_EVENTS] = self.events.len() as f64;
        a[A_FILLS] = self.fills as f64;
        a[A_SLIPPAGE] = self.slippage;
        a[A_TRADES] = self.trades.len() as f64;
        a[A_INITIAL_CASH] = self.opts.initial_cash;
        a[A_USED_MARGIN] = self.used_margin();
        a[A_POSITIONS] = self.positions.len() as f64;
        a
    }

    /// Open positions (POSITION_SLOTS slots each), oldest first.
    pub fn position_records(&self) -> Vec<[u64; POSITION_SLOTS]> {
        let m = self.opts.multiplier;
        self.positions
            .iter()
            .map(|p| {
                let mut r = [0u64; POSITION_SLOTS];
                r[P_ID] = (p.id as f64).to_bits();
                r[P_SIDE] = p.side.to_bits();
                r[P_QTY] = p.qty.to_bits();
                r[P_AVG_PRICE] = p.avg.to_bits();
                r[P_UNREALISED] = ((self.mark_of(p.side) - p.avg) * p.side * p.qty * m).to_bits();
                r[P_ENTRY_TIME] = p.entry_time as u64;
                r
            })
            .collect()
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
#[cfg(test)]
mod tests_orders;
