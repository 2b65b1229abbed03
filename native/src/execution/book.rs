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
//! The epochs' extremes are kept as a monotonic stack (only the epochs whose extreme beats
//! every later one), so that a suffix extreme is a binary search and a fold amortised O(1):
//! an order leaving costs O(log n), never O(epochs since it came). An index by id makes a
//! cancel or a modification O(log n) too (1,000,000 resting orders cancel in linear time).

use super::order::Order;
use std::collections::{BTreeMap, HashMap};

pub(super) const BUY_LOW: usize = 0;
pub(super) const BUY_HIGH: usize = 1;
pub(super) const SELL_LOW: usize = 2;
pub(super) const SELL_HIGH: usize = 3;

pub(super) struct Rest {
    map: BTreeMap<(u64, u64), Order>,
    /// The key of each order by id.
    index: HashMap<u64, (u64, u64)>,
    /// Epochs started (insertions since the class was last empty).
    epochs: usize,
    /// Extreme of the latest epoch (NaN before its first fold).
    last: f64,
    /// (epoch, extreme) of the epochs whose extreme is better than that of every later
    /// epoch, oldest first: their extremes get better towards the bottom.
    stack: Vec<(usize, f64)>,
    /// Triggers when the price falls to the key (best = highest key price).
    low: bool,
}

impl Rest {
    pub fn new(class: usize) -> Rest {
        Rest { map: BTreeMap::new(), index: HashMap::new(), epochs: 0, last: f64::NAN, stack: Vec::new(), low: matches!(class, BUY_LOW | SELL_LOW) }
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
        o.epoch = self.epochs;
        o.key_n = n;
        self.epochs += 1;
        self.last = f64::NAN;
        let k = self.key(eff, n);
        self.index.insert(o.id, k);
        self.map.insert(k, o);
    }

    /// Folds the extreme of the watched price since the last fold (`v`).
    pub fn fold(&mut self, v: f64) {
        if self.epochs == 0 {
            return;
        }
        let x = self.better(self.last, v);
        if x.is_nan() {
            return;
        }
        self.last = x;
        let epoch = self.epochs - 1;
        let low = self.low;
        // Epochs whose extreme is no better than the latest one's are never a suffix's extreme again.
        while let Some(&(_, top)) = self.stack.last() {
            if (low && top >= x) || (!low && top <= x) {
                self.stack.pop();
            } else {
                break;
            }
        }
        self.stack.push((epoch, x));
    }

    fn closest(&self, o: &Order) -> f64 {
        // The oldest kept epoch at or after the order's: the best extreme since it came.
        let at = self.stack.partition_point(|&(e, _)| e < o.epoch);
        self.stack.get(at).map_or(o.closest, |&(_, x)| self.better(o.closest, x))
    }

    fn out(&mut self, o: &mut Order) {
        o.closest = self.closest(o);
        self.index.remove(&o.id);
        if self.map.is_empty() {
            self.epochs = 0;
            self.last = f64::NAN;
            self.stack.clear();
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

    /// Takes the order `id` (cancels and modifications; O(log n)).
    pub fn take(&mut self, id: u64) -> Option<Order> {
        let k = *self.index.get(&id)?;
        let mut o = self.map.remove(&k)?;
        self.out(&mut o);
        Some(o)
    }

    pub fn get(&self, id: u64) -> Option<&Order> {
        self.map.get(self.index.get(&id)?)
    }

    /// The order `id`, to change what does not move it (a cancel's time).
    pub fn get_mut(&mut self, id: u64) -> Option<&mut Order> {
        let k = self.index.get(&id)?;
        self.map.get_mut(k)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Order> {
        self.map.values()
    }
}
