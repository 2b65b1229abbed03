//! Bracket children (held until their parent is completely filled) and OCO groups (a
//! fill of one member cancels the others).

use super::layout::*;
use super::Broker;

impl Broker {
    /// The parent `id` is completely filled: its held children become active at `t` (in
    /// the book, matched from the next tick on). In hedging mode a child that names no
    /// position closes the one its parent opened.
    pub(super) fn activate_children(&mut self, id: u64, t: i64, k: i64) {
        if !self.held.iter().any(|o| o.parent == id) {
            return;
        }
        let hedging = self.opts.hedging;
        let (kids, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.held).into_iter().partition(|o| o.parent == id);
        self.held = rest;
        for mut o in kids {
            if hedging && o.position == 0 {
                o.position = id;
            }
            o.effective = t;
            o.armed = self.armed(&o);
            self.next_expiry = self.next_expiry.min(o.expire).min(o.cancel_at);
            self.event_full(t, o.id as f64, KIND_ACTIVATED, R_PARENT_FILLED, k, f64::NAN, o.qty, 0.0, f64::NAN, 0.0, o.position, o.qty);
            self.book.push(o);
        }
        self.update_triggers();
    }

    /// The parent `id` ended without a complete fill: its held children are cancelled.
    pub(super) fn cancel_children(&mut self, id: u64, t: i64) {
        let kids: Vec<u64> = self.held.iter().filter(|o| o.parent == id).map(|o| o.id).collect();
        for kid in kids {
            self.remove(kid, t, KIND_CANCELLED, R_PARENT_CANCELLED);
        }
    }

    /// An order of OCO group `oco` filled: the other working members are cancelled.
    pub(super) fn cancel_oco(&mut self, oco: u64, except: u64, t: i64) {
        let others: Vec<u64> =
            self.book.iter().chain(self.pending.iter()).chain(self.held.iter()).chain(self.rest.iter().flat_map(|r| r.iter()))
                .filter(|o| o.oco == oco && o.id != except)
                .map(|o| o.id)
                .collect();
        for id in others {
            self.remove(id, t, KIND_CANCELLED, R_OCO);
        }
    }
}
