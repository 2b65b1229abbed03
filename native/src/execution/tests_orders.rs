//! Trailing stops, brackets, OCO, modify, partial fills, hedging, pyramiding, margin, bar model.

use super::bars;
use super::layout::*;
use crate::engine::{Batch, Engine, Options};
use crate::execution::{ExecOptions, FillModel};

struct Rig {
    e: Engine,
    mem: Vec<u64>,
}

fn rig(x: ExecOptions) -> Rig {
    let mut e = Engine::new(Options { timeframes: vec!["1m".into()], ..Options::default() }).unwrap();
    e.configure_execution(x).unwrap();
    let mut mem = vec![0u64; e.state_slots()];
    e.init_state(&mut mem);
    Rig { e, mem }
}

#[derive(Clone, Copy)]
struct O {
    action: i64,
    id: f64,
    typ: i64,
    side: f64,
    qty: f64,
    limit: f64,
    stop: f64,
    tif: i64,
    trail: f64,
    trail_pct: f64,
    parent: f64,
    oco: f64,
    position: f64,
}

const BASE: O = O {
    action: ACT_SUBMIT,
    id: 1.0,
    typ: TYPE_MARKET,
    side: 1.0,
    qty: 1.0,
    limit: f64::NAN,
    stop: f64::NAN,
    tif: TIF_GTC,
    trail: f64::NAN,
    trail_pct: f64::NAN,
    parent: 0.0,
    oco: 0.0,
    position: 0.0,
};

fn rec(o: O) -> Vec<u64> {
    let mut r = vec![0u64; ORDER_SLOTS];
    let mut put = |i: usize, v: f64| r[i] = v.to_bits();
    put(O_ACTION, o.action as f64);
    put(O_ID, o.id);
    put(O_TYPE, o.typ as f64);
    put(O_SIDE, o.side);
    put(O_QTY, o.qty);
    put(O_LIMIT, o.limit);
    put(O_STOP, o.stop);
    put(O_TIF, o.tif as f64);
    put(O_TRAIL, o.trail);
    put(O_TRAIL_PERCENT, o.trail_pct);
    put(O_PARENT, o.parent);
    put(O_OCO, o.oco);
    put(O_POSITION, o.position);
    r
}

/// (order, kind, reason, price, qty)
type Ev = (u64, i64, i64, f64, f64);

impl Rig {
    fn ticks(&mut self, t0: i64, p: &[f64], size: Option<&[f64]>) {
        let t: Vec<i64> = (0..p.len() as i64).map(|i| t0 + i).collect();
        let b = Batch { time: &t, price: Some(p), size, ..Batch::default() };
        self.e.validate(&b).unwrap();
        let mut k = 0;
        while k < t.len() {
            k = self.e.run(&mut self.mem, &b, k).unwrap();
        }
    }
    fn send(&mut self, o: O) {
        self.e.submit(&rec(o)).unwrap();
    }
    fn events(&self) -> Vec<Ev> {
        self.e
            .broker
            .events
            .iter()
            .map(|e| {
                let f = |s: usize| f64::from_bits(e[s]);
                (f(E_ORDER) as u64, f(E_KIND) as i64, f(E_REASON) as i64, f(E_PRICE), f(E_QTY))
            })
            .collect()
    }
    fn of(&self, id: u64) -> Vec<(i64, i64)> {
        self.events().iter().filter(|e| e.0 == id).map(|e| (e.1, e.2)).collect()
    }
    fn fills(&self) -> Vec<(u64, f64, f64)> {
        self.events().iter().filter(|e| e.1 == KIND_FILLED || e.1 == KIND_PARTIAL).map(|e| (e.0, e.3, e.4)).collect()
    }
}

#[test]
fn trailing_stop_by_distance_follows_the_high_and_fills_at_its_stop() {
    let mut r = rig(ExecOptions::default());
    r.ticks(0, &[100.0], None);
    r.send(O { id: 1.0, ..BASE });
    r.send(O { id: 2.0, typ: TYPE_TRAIL, side: -1.0, trail: 1.0, ..BASE });
    r.ticks(10, &[100.0, 101.0, 103.0, 102.5, 102.0, 101.0], None);
    assert_eq!(r.fills(), vec![(1, 100.0, 1.0), (2, 102.0, 1.0)]);
    assert_eq!(r.of(2), vec![(KIND_ACCEPTED, R_OK), (KIND_FILLED, R_TRAIL)]);
    assert_eq!(r.e.broker.account()[A_POSITION], 0.0);
}

#[test]
fn trailing_stop_by_percent_buys_back_a_short() {
    let mut r = rig(ExecOptions::default());
    r.ticks(0, &[200.0], None);
    r.send(O { id: 1.0, side: -1.0, ..BASE });
    // 1% of the lowest ask, rounded up to the tick grid.
    r.send(O { id: 2.0, typ: TYPE_TRAIL, side: 1.0, trail_pct: 1.0, ..BASE });
    r.ticks(10, &[200.0, 198.0, 199.0, 199.98, 200.5], None);
    // Low 198 -> stop ceil(199.98) = 199.98: reached at 199.98.
    assert_eq!(r.fills(), vec![(1, 200.0, 1.0), (2, 199.98, 1.0)]);
}

#[test]
fn bad_trailing_stop_is_rejected() {
    let mut r = rig(ExecOptions::default());
    r.send(O { id: 1.0, typ: TYPE_TRAIL, side: -1.0, ..BASE });
    r.send(O { id: 2.0, typ: TYPE_TRAIL, side: -1.0, trail: 1.0, trail_pct: 1.0, ..BASE });
    assert_eq!(r.of(1), vec![(KIND_REJECTED, R_BAD_TRAIL)]);
    assert_eq!(r.of(2), vec![(KIND_REJECTED, R_BAD_TRAIL)]);
}

fn bracket(r: &mut Rig, entry: O, tp: f64, sl: f64) {
    let id = entry.id;
    r.send(entry);
    let exit = -entry.side;
    r.send(O { id: id + 1.0, typ: TYPE_LIMIT, side: exit, qty: entry.qty, limit: tp, parent: id, oco: id, ..BASE });
    r.send(O { id: id + 2.0, typ: TYPE_STOP, side: exit, qty: entry.qty, stop: sl, parent: id, oco: id, ..BASE });
}

#[test]
fn bracket_children_wait_for_the_entry_and_the_take_profit_cancels_the_stop() {
    let mut r = rig(ExecOptions::default());
    r.ticks(0, &[100.0], None);
    bracket(&mut r, O { id: 10.0, typ: TYPE_LIMIT, limit: 99.0, qty: 5.0, ..BASE }, 101.0, 98.0);
    // 98 would hit the stop, 101 the target: neither may fill before the entry does.
    r.ticks(10, &[101.5, 99.5, 99.0, 100.0, 101.0, 97.0], None);
    assert_eq!(r.of(11), vec![(KIND_ACCEPTED, R_OK), (KIND_ACTIVATED, R_PARENT_FILLED), (KIND_FILLED, R_LIMIT_RESTING)]);
    assert_eq!(r.of(12), vec![(KIND_ACCEPTED, R_OK), (KIND_ACTIVATED, R_PARENT_FILLED), (KIND_CANCELLED, R_OCO)]);
    assert_eq!(r.fills(), vec![(10, 99.0, 5.0), (11, 101.0, 5.0)]);
    assert_eq!(r.e.broker.account()[A_OPEN_ORDERS], 0.0);
}

#[test]
fn tick_model_bracket_fills_the_exit_the_ticks_reach_first() {
    let mut r = rig(ExecOptions::default());
    r.ticks(0, &[100.0], None);
    bracket(&mut r, O { id: 10.0, ..BASE }, 102.0, 98.0);
    r.ticks(10, &[100.0, 99.0, 98.0, 102.0], None);
    assert_eq!(r.fills(), vec![(10, 100.0, 1.0), (12, 98.0, 1.0)]);
    assert_eq!(r.of(11).last(), Some(&(KIND_CANCELLED, R_OCO)));
}

#[test]
fn cancelling_the_entry_cancels_its_children_and_unknown_parents_are_rejected() {
    let mut r = rig(ExecOptions::default());
    r.ticks(0, &[100.0], None);
    bracket(&mut r, O { id: 10.0, typ: TYPE_LIMIT, limit: 90.0, ..BASE }, 101.0, 89.0);
    r.e.submit(&rec(O { action: ACT_CANCEL, id: 10.0, ..BASE })).unwrap();
    r.send(O { id: 20.0, typ: TYPE_LIMIT, side: -1.0, limit: 101.0, parent: 77.0, ..BASE });
    assert_eq!(r.of(11).last(), Some(&(KIND_CANCELLED, R_PARENT_CANCELLED)));
    assert_eq!(r.of(12).last(), Some(&(KIND_CANCELLED, R_PARENT_CANCELLED)));
    assert_eq!(r.of(20), vec![(KIND_REJECTED, R_UNKNOWN_PARENT)]);
    assert_eq!(r.e.broker.account()[A_OPEN_ORDERS], 0.0);
}

#[test]
fn oco_group_fill_cancels_the_other_member() {
    let mut r = rig(ExecOptions::default());
    r.ticks(0, &[100.0], None);
    r.send(O { id: 1.0, typ: TYPE_STOP, stop: 101.0, oco: 5.0, ..BASE });
    r.send(O { id: 2.0, typ: TYPE_STOP, side: -1.0, stop: 99.0, oco: 5.0, ..BASE });
    r.ticks(10, &[100.5, 99.0, 101.0], None);
    assert_eq!(r.fills(), vec![(2, 99.0, 1.0)]);
    assert_eq!(r.of(1).last(), Some(&(KIND_CANCELLED, R_OCO)));
}

#[test]
fn modify_moves_a_limit_and_its_quantity_with_an_event() {
    let mut r = rig(ExecOptions::default());
    r.ticks(0, &[100.0], None);
    r.send(O { id: 1.0, typ: TYPE_LIMIT, limit: 95.0, qty: 3.0, ..BASE });
    r.ticks(10, &[99.0], None);
    r.send(O { action: ACT_MODIFY, id: 1.0, qty: 4.0, limit: 98.0, ..BASE });
    r.send(O { action: ACT_MODIFY, id: 1.0, limit: 98.005, ..BASE });
    r.send(O { action: ACT_MODIFY, id: 9.0, limit: 98.0, ..BASE });
    r.ticks(20, &[98.5, 98.0], None);
    assert_eq!(r.of(1), vec![(KIND_ACCEPTED, R_OK), (KIND_MODIFIED, R_MODIFIED), (KIND_REJECTED, R_OFF_GRID), (KIND_FILLED, R_LIMIT_RESTING)]);
    assert_eq!(r.of(9), vec![(KIND_REJECTED, R_UNKNOWN_ORDER)]);
    assert_eq!(r.fills(), vec![(1, 98.0, 4.0)]);
    r.send(O { action: ACT_MODIFY, id: 1.0, limit: 97.0, ..BASE });
    assert_eq!(r.of(1).last(), Some(&(KIND_REJECTED, R_ORDER_DONE)));
}

#[test]
fn volume_cap_fills_a_limit_in_parts_across_ticks() {
    let mut r = rig(ExecOptions { participation: 0.5, ..ExecOptions::default() });
    r.ticks(0, &[100.0], Some(&[10.0]));
    r.send(O { id: 1.0, typ: TYPE_LIMIT, limit: 99.0, qty: 100.0, ..BASE });
    r.ticks(10, &[99.5, 99.0, 98.0, 99.0, 98.5], Some(&[500.0, 60.0, 41.0, 1000.0, 1000.0]));
    // 30 (half of 60), 20 (half of 41, whole lots), the rest 50.
    assert_eq!(r.fills(), vec![(1, 99.0, 30.0), (1, 99.0, 20.0), (1, 99.0, 50.0)]);
    assert_eq!(r.of(1), vec![(KIND_ACCEPTED, R_OK), (KIND_PARTIAL, R_LIMIT_RESTING), (KIND_PARTIAL, R_LIMIT_RESTING), (KIND_FILLED, R_LIMIT_RESTING)]);
    assert_eq!(r.e.broker.account()[A_POSITION], 100.0);
}

#[test]
fn ioc_fills_what_is_there_and_cancels_the_rest_fok_all_or_nothing() {
    let mut r = rig(ExecOptions { participation: 1.0, ..ExecOptions::default() });
    r.ticks(0, &[100.0], Some(&[10.0]));
    r.send(O { id: 1.0, qty: 100.0, tif: TIF_IOC, ..BASE });
    r.send(O { id: 2.0, qty: 100.0, tif: TIF_FOK, ..BASE });
    r.ticks(10, &[100.0, 100.0], Some(&[70.0, 500.0]));
    assert_eq!(r.of(1), vec![(KIND_ACCEPTED, R_OK), (KIND_PARTIAL, R_MARKET), (KIND_CANCELLED, R_IOC_REMAINDER)]);
    assert_eq!(r.of(2), vec![(KIND_ACCEPTED, R_OK), (KIND_EXPIRED, R_FOK_UNFILLED)]);
    assert_eq!(r.fills(), vec![(1, 100.0, 70.0)]);
}

#[test]
fn hedging_holds_two_opposite_positions_and_closes_one_by_id() {
    let mut r = rig(ExecOptions { hedging: true, ..ExecOptions::default() });
    r.ticks(0, &[100.0], None);
    r.send(O { id: 1.0, qty: 2.0, ..BASE });
    r.send(O { id: 2.0, side: -1.0, qty: 3.0, ..BASE });
    r.ticks(10, &[100.0], None);
    let a = r.e.broker.account();
    assert_eq!((a[A_POSITIONS], a[A_POSITION]), (2.0, -1.0));
    r.send(O { id: 3.0, side: -1.0, qty: 2.0, position: 1.0, ..BASE });
    r.send(O { id: 4.0, side: 1.0, qty: 1.0, position: 1.0, ..BASE });
    r.send(O { id: 5.0, side: -1.0, qty: 1.0, position: 2.0, ..BASE });
    r.ticks(20, &[105.0], None);
    assert_eq!(r.of(4), vec![(KIND_REJECTED, R_UNKNOWN_POSITION)]);
    assert_eq!(r.of(5), vec![(KIND_REJECTED, R_UNKNOWN_POSITION)]);
    let a = r.e.broker.account();
    assert_eq!((a[A_POSITIONS], a[A_POSITION], a[A_REALISED]), (1.0, -3.0, 10.0));
    let t = &r.e.broker.trades;
    assert_eq!(t.len(), 1);
    assert_eq!(f64::from_bits(t[0][T_POSITION]), 1.0);
    assert_eq!(a[A_EQUITY], a[A_CASH] - 3.0 * 105.0);
}

#[test]
fn pyramiding_limit_rejects_the_extra_entry() {
    for hedging in [false, true] {
        let mut r = rig(ExecOptions { hedging, max_entries: 2, ..ExecOptions::default() });
        r.ticks(0, &[100.0], None);
        for id in 1..=3 {
            r.send(O { id: id as f64, ..BASE });
        }
        r.send(O { id: 4.0, side: -1.0, ..BASE });
        r.ticks(10, &[100.0], None);
        assert_eq!(r.of(3), vec![(KIND_ACCEPTED, R_OK), (KIND_REJECTED, R_PYRAMIDING)], "hedging {}", hedging);
        assert_eq!(r.of(4).last(), Some(&(KIND_FILLED, R_MARKET)));
    }
}

#[test]
fn margin_rejects_orders_beyond_the_leverage() {
    let mut r = rig(ExecOptions { leverage: 2.0, initial_cash: 10_000.0, ..ExecOptions::default() });
    r.ticks(0, &[100.0], None);
    r.send(O { id: 1.0, qty: 201.0, ..BASE });
    r.send(O { id: 2.0, qty: 150.0, ..BASE });
    r.ticks(10, &[100.0], None);
    r.send(O { id: 3.0, qty: 60.0, ..BASE });
    r.send(O { id: 4.0, side: -1.0, qty: 150.0, ..BASE });
    r.ticks(20, &[100.0], None);
    assert_eq!(r.of(1), vec![(KIND_REJECTED, R_INSUFFICIENT_MARGIN)]);
    assert_eq!(r.of(3), vec![(KIND_REJECTED, R_INSUFFICIENT_MARGIN)]);
    assert_eq!(r.of(4).last(), Some(&(KIND_FILLED, R_MARKET)));
    r.send(O { id: 5.0, typ: TYPE_LIMIT, limit: 99.0, qty: 150.0, ..BASE });
    r.send(O { id: 6.0, typ: TYPE_LIMIT, limit: 99.0, qty: 150.0, ..BASE });
    r.ticks(30, &[99.0], None);
    // Both accepted (each fits alone); the second fill would exceed the margin.
    assert_eq!(r.of(6).last(), Some(&(KIND_REJECTED, R_INSUFFICIENT_MARGIN)));
    let a = r.e.broker.account();
    assert_eq!(a[A_USED_MARGIN], 150.0 * 99.0 / 2.0);
}

fn bar_rig() -> Rig {
    rig(ExecOptions { fill: FillModel::Bar, ..ExecOptions::default() })
}

impl Rig {
    /// Bars (o, h, l, c) one minute apart from `t0`, replayed along the path.
    fn bars(&mut self, t0: i64, b: &[[f64; 4]]) {
        let (o, h, l, c): (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) =
            (b.iter().map(|x| x[0]).collect(), b.iter().map(|x| x[1]).collect(), b.iter().map(|x| x[2]).collect(), b.iter().map(|x| x[3]).collect());
        let mut p = vec![0.0; b.len() * 4];
        let mut s = vec![0.0; b.len() * 4];
        bars::expand(&o, &h, &l, &c, None, &mut p, &mut s);
        let t: Vec<i64> = (0..p.len()).map(|i| t0 + (i / 4) as i64 * 60_000_000).collect();
        let batch = Batch { time: &t, price: Some(&p), ..Batch::default() };
        self.e.validate(&batch).unwrap();
        let mut k = 0;
        while k < t.len() {
            k = self.e.run(&mut self.mem, &batch, k).unwrap();
        }
    }
}

#[test]
fn bar_model_bracket_with_both_exits_in_one_bar_follows_the_path() {
    // Open 100, high 103 (nearer), low 96: the take-profit at 102 first.
    let mut r = bar_rig();
    r.bars(0, &[[100.0, 100.0, 100.0, 100.0]]);
    bracket(&mut r, O { id: 10.0, ..BASE }, 102.0, 97.0);
    r.bars(60_000_000, &[[100.0, 103.0, 96.0, 99.0]]);
    assert_eq!(r.fills(), vec![(10, 100.0, 1.0), (11, 102.0, 1.0)]);
    // Open 100, low 98.5 (nearer), high 104: the stop at 99 first, at its own price.
    let mut r = bar_rig();
    r.bars(0, &[[100.0, 100.0, 100.0, 100.0]]);
    bracket(&mut r, O { id: 10.0, ..BASE }, 102.0, 99.0);
    r.bars(60_000_000, &[[100.0, 104.0, 98.5, 103.0]]);
    assert_eq!(r.fills(), vec![(10, 100.0, 1.0), (12, 99.0, 1.0)]);
    assert_eq!(r.of(12).last(), Some(&(KIND_FILLED, R_STOP_PATH)));
}

#[test]
fn bar_model_stop_gapped_at_the_open_fills_at_the_open() {
    let mut r = bar_rig();
    r.bars(0, &[[100.0, 100.5, 99.5, 100.0]]);
    r.send(O { id: 1.0, typ: TYPE_STOP, side: -1.0, stop: 99.0, ..BASE });
    r.bars(60_000_000, &[[97.0, 98.0, 96.0, 97.5]]);
    assert_eq!(r.fills(), vec![(1, 97.0, 1.0)]);
    assert_eq!(r.of(1).last(), Some(&(KIND_FILLED, R_STOP_GAP)));
}

#[test]
fn bar_model_stop_limit_triggered_inside_a_bar_fills_at_the_crossing() {
    let mut r = bar_rig();
    r.bars(0, &[[100.0, 100.0, 100.0, 100.0]]);
    r.send(O { id: 1.0, typ: TYPE_STOP_LIMIT, stop: 101.0, limit: 101.5, ..BASE });
    r.send(O { id: 2.0, typ: TYPE_STOP_LIMIT, stop: 101.0, limit: 100.5, ..BASE });
    // Open 100, low 99.8 (nearer), high 103: both trigger on the leg up through 101.
    r.bars(60_000_000, &[[100.0, 103.0, 99.8, 102.0]]);
    assert_eq!(r.fills(), vec![(1, 101.0, 1.0)]);
    assert_eq!(r.of(1).last(), Some(&(KIND_FILLED, R_STOP_PATH)));
    // The other one's limit (100.5) is below the stop: it rests, unfilled above it.
    assert_eq!(r.of(2).last(), Some(&(KIND_TRIGGERED, R_STOP_TRIGGERED)));
    r.bars(120_000_000, &[[102.0, 102.0, 100.0, 100.2]]);
    assert_eq!(r.fills().last(), Some(&(2, 100.5, 1.0)));
}

/// Equity = cash + marked positions, and realised P&L minus commission = change in cash
/// once flat, after every batch of a long random order flow (hedging and netting).
#[test]
fn accounting_invariant_under_random_orders() {
    for hedging in [false, true] {
        random_run(hedging);
    }
}

#[test]
fn random_runs_are_deterministic_with_seeded_slippage() {
    let (a, b) = (random_run(true), random_run(true));
    assert!(a.len() > 1000);
    assert!(a == b);
}

/// A long random order flow with the accounting checks after every batch; returns the events.
fn random_run(hedging: bool) -> Vec<[u64; EVENT_SLOTS]> {
    {
        let mut r = rig(ExecOptions {
            hedging,
            participation: 0.5,
            commission: crate::execution::Commission { per_unit: 0.01, minimum: 1.0, ..Default::default() },
            slippage: crate::execution::Slippage::Random { max_ticks: 2, seed: 3 },
            ..ExecOptions::default()
        });
        let mut x: u64 = 0x1234_5678;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut price = 100.0f64;
        let mut id = 1.0;
        for step in 0..400 {
            let p: Vec<f64> = (0..5)
                .map(|_| {
                    price = (price + ((rnd() % 21) as f64 - 10.0) * 0.01).max(1.0);
                    (price * 100.0).round() / 100.0
                })
                .collect();
            let s: Vec<f64> = (0..5).map(|_| (rnd() % 50) as f64).collect();
            r.ticks(step * 10 + 10, &p, Some(&s));
            let side = if rnd() % 2 == 0 { 1.0 } else { -1.0 };
            let typ = [TYPE_MARKET, TYPE_LIMIT, TYPE_STOP, TYPE_TRAIL, TYPE_MIT][(rnd() % 5) as usize];
            let off = ((rnd() % 20) as f64 + 1.0) * 0.01;
            let last = p[4];
            let mut o = O { id, typ, side, qty: (rnd() % 30 + 1) as f64, tif: [TIF_GTC, TIF_IOC, TIF_DAY][(rnd() % 3) as usize], ..BASE };
            match typ {
                TYPE_LIMIT => o.limit = ((last - side * off) * 100.0).round() / 100.0,
                TYPE_STOP => o.stop = ((last + side * off) * 100.0).round() / 100.0,
                TYPE_MIT => o.stop = ((last - side * off) * 100.0).round() / 100.0,
                TYPE_TRAIL => o.trail = off,
                _ => {}
            }
            if hedging && rnd() % 3 == 0 {
                let pos: Vec<(u64, f64)> = r.e.broker.positions.iter().map(|p| (p.id, p.side)).collect();
                if let Some(&(pid, ps)) = pos.first() {
                    o.position = pid as f64;
                    o.side = -ps;
                }
            }
            r.send(o);
            id += 1.0;
            let a = r.e.broker.account();
            let marked: f64 = r.e.broker.positions.iter().map(|p| p.side * p.qty * if p.side > 0.0 { r.e.broker.bid } else { r.e.broker.ask }).sum();
            assert!((a[A_EQUITY] - (a[A_CASH] + marked)).abs() < 1e-6, "equity at step {}", step);
            let eq2 = a[A_INITIAL_CASH] + a[A_REALISED] + a[A_UNREALISED] - a[A_COMMISSION];
            assert!((a[A_EQUITY] - eq2).abs() < 1e-6, "equity identity at step {}: {} vs {}", step, a[A_EQUITY], eq2);
            if a[A_POSITIONS] == 0.0 {
                assert!((a[A_CASH] - a[A_INITIAL_CASH] - (a[A_REALISED] - a[A_COMMISSION])).abs() < 1e-6, "cash at step {}", step);
            }
        }
        let a = r.e.broker.account();
        assert!(a[A_FILLS] > 100.0, "fills {}", a[A_FILLS]);
        assert!(a[A_TRADES] > 5.0, "trades {}", a[A_TRADES]);
        r.e.broker.events.clone()
    }
}

/// Suffix minimum of `p` from each index (the lowest price after an order came).
fn suffix_min(p: &[f64]) -> Vec<f64> {
    let mut out = vec![f64::NAN; p.len() + 1];
    for i in (0..p.len()).rev() {
        out[i] = if out[i + 1].is_nan() { p[i] } else { out[i + 1].min(p[i]) };
    }
    out
}

/// Resting orders placed one per tick and cancelled long after report, each, the closest the
/// market came since it was placed (the lowest ask for a buy limit), in any order of cancels.
#[test]
fn cancelled_resting_orders_report_the_closest_price_since_each_was_placed() {
    let mut r = rig(ExecOptions::default());
    let mut x: u64 = 0x9e37_79b9;
    let mut rnd = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let n = 3000;
    let prices: Vec<f64> = (0..n).map(|_| 100.0 + (rnd() % 500) as f64 / 100.0).collect();
    r.ticks(1, &[100.0], None);
    for (i, &p) in prices.iter().enumerate() {
        // Some ticks bring several orders, some none.
        for j in 0..(rnd() % 3) {
            let id = (i * 4 + j as usize + 1) as f64;
            r.send(O { id, typ: TYPE_LIMIT, limit: 50.0, ..BASE });
        }
        r.ticks(10 + i as i64, &[p], None);
    }
    let expected = suffix_min(&prices);
    let mut ids: Vec<u64> = r.events().iter().filter(|e| e.1 == KIND_ACCEPTED).map(|e| e.0).collect();
    // Cancelled in a shuffled order: the closest must not depend on which orders left first.
    for i in (1..ids.len()).rev() {
        ids.swap(i, (rnd() % (i as u64 + 1)) as usize);
    }
    for &id in &ids {
        r.send(O { action: ACT_CANCEL, id: id as f64, ..BASE });
    }
    let mut checked = 0;
    for e in &r.e.broker.events {
        if f64::from_bits(e[E_KIND]) as i64 == KIND_CANCELLED {
            let id = f64::from_bits(e[E_ORDER]) as usize;
            let placed_before = (id - 1) / 4;
            assert_eq!(f64::from_bits(e[E_REFERENCE]), expected[placed_before], "order {}", id);
            checked += 1;
        }
    }
    assert_eq!(checked, ids.len());
    assert!(checked > 2000);
}

/// 200,000 orders of each kind (market orders filled on one tick, resting limits cancelled one
/// by one, resting limits placed one per tick and all filled by one tick) run in linear time: a
/// quadratic book (a removal from the front of a vector per fill, a scan per cancel, a scan of
/// every epoch since an order came per fill) would take minutes here.
#[test]
fn two_hundred_thousand_orders_of_each_kind_complete() {
    let n = 200_000u64;
    let mut r = rig(ExecOptions::default());
    r.ticks(1, &[100.0], None);
    let mut recs = Vec::with_capacity(n as usize * ORDER_SLOTS);
    for id in 1..=n {
        recs.extend(rec(O { id: id as f64, side: if id % 2 == 0 { 1.0 } else { -1.0 }, ..BASE }));
    }
    r.e.submit(&recs).unwrap();
    r.ticks(2, &[100.0], None);
    assert_eq!(r.e.broker.account()[A_FILLS], n as f64);
    assert_eq!(r.e.broker.open_orders(), 0);

    recs.clear();
    for id in n + 1..=2 * n {
        recs.extend(rec(O { id: id as f64, typ: TYPE_LIMIT, limit: 50.0 + (id % 100) as f64 / 100.0, ..BASE }));
    }
    r.e.submit(&recs).unwrap();
    r.ticks(3, &[100.0], None);
    for id in n + 1..=2 * n {
        r.send(O { action: ACT_CANCEL, id: id as f64, ..BASE });
    }
    assert_eq!(r.e.broker.open_orders(), 0);
    assert_eq!(r.events().iter().filter(|e| e.1 == KIND_CANCELLED).count(), n as usize);

    for id in 2 * n + 1..=3 * n {
        r.send(O { id: id as f64, typ: TYPE_LIMIT, limit: 90.0, ..BASE });
        r.ticks(4 + id as i64, &[100.0 + (id % 7) as f64 / 100.0], None);
    }
    r.ticks(10 * n as i64, &[89.0], None);
    assert_eq!(r.e.broker.account()[A_FILLS], 2.0 * n as f64);
    assert_eq!(r.e.broker.open_orders(), 0);
}
