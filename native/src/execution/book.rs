//! Resting orders sorted by trigger price, one class per side and direction, so that a
//! tick compares with the best order of each class only and a fill takes orders from the
//! front: no per-order scan while orders rest.
//!
//! Classes: buys that trigger on a low ask (limit, MIT, triggered stop-limit), buys on a
//! high ask (stop, stop-limit), sells on a low bid (stop, stop-limit), sells on a high bid
//! (limit, MIT, triggered stop-limit). The key is the effective trigger price (a limit
//! under `limitFill: through` one float step beyond its limit) and an insertion number
//! (time priority at one price). The closest price the market came to each order is kept
//! without touching the orders: each insertion starts an epoch, folds update the extreme
//! of the latest epoch, and an order's closest is the extreme of the epochs since its own.

use super::order::Order;
use std::collections::BTreeMap;

pub(super) const BUY_LOW: usize = 0;
pub(super) const BUY_HIGH: usize = 1;
pub(super) const SELL_LOW: usize = 2;
pub(super) const SELL_HIGH: usize = 3;

pub(super) struct Rest {
    map: BTreeMap<(u64, u64), Order>,
    /// Extreme of the watched price per epoch.
    log: Vec<f64>,
    /// Triggers when the price falls to the key (best = highest key price).
    low: bool,
}

impl Rest {
    pub fn new(class: usize) -> Rest {
        Rest { map: BTreeMap::new(), log: Vec::new(), low: matches!(class, BUY_LOW | SELL_LOW) }
    }

    fn key(&self, eff: f64, n: u64) -> (u64, u64) {
        // Prices are finite and > 0: their bits sort like the numbers.
        if self.low {
            (!eff.to_bits(), n)
        } else {
            (eff.to_bits(), n)
        }
    }

    fn better(&self, a: f64, b: f64) -> f64 {
        // f64::min / max ignore a NaN operand.
        if self.low {
            a.min(b)
        } else {
            a.max(b)
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// The best order's effective trigger price.
    pub fn threshold(&self) -> Option<f64> {
        self.map.first_key_value().map(|(_, o)| o.eff)
    }

    pub fn insert(&mut self, mut o: Order, eff: f64, n: u64) {
        o.eff = eff;
        o.epoch = self.log.len();
        o.key_n = n;
        self.log.push(f64::NAN);
        let k = self.key(eff, n);
        self.map.insert(k, o);
    }

    /// Folds the extreme of the watched price since the last fold (`v`).
    pub fn fold(&mut self, v: f64) {
        let low = self.low;
        if let Some(l) = self.log.last_mut() {
            *l = if low { l.min(v) } else { l.max(v) };
        }
    }

    fn closest(&self, o: &Order) -> f64 {
        self.log[o.epoch..].iter().fold(o.closest, |c, &x| self.better(c, x))
    }

    fn out(&mut self, o: &mut Order) {
        o.closest = self.closest(o);
        if self.map.is_empty() {
            self.log.clear();
        }
    }

    /// Takes the best order if the price `px` reaches it.
    pub fn pop_reached(&mut self, px: f64) -> Option<Order> {
        let e = self.map.first_entry()?;
        let eff = e.get().eff;
        let hit = if self.low { px <= eff } else { px >= eff };
        if !hit {
            return None;
        }
        let mut o = e.remove();
        self.out(&mut o);
        Some(o)
    }

    /// Takes the order `id` (a scan: cancels and modifications, not ticks).
    pub fn take(&mut self, id: u64) -> Option<Order> {
        let k = self.map.iter().find(|(_, o)| o.id == id).map(|(k, _)| *k)?;
        let mut o = self.map.remove(&k)?;
        self.out(&mut o);
        Some(o)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Order> {
        self.map.values()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Order> {
        self.map.values_mut()
    }
}
