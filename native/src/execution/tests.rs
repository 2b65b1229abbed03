use super::layout::*;
use crate::engine::{get_f, Batch, Engine, Options};
use crate::execution::{Commission, ExecOptions, FillModel, Slippage};
use crate::layout::EV_ORDER;

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

#[allow(clippy::too_many_arguments)]
fn order(action: i64, id: f64, typ: i64, side: f64, qty: f64, limit: f64, stop: f64, tif: i64) -> Vec<u64> {
    let mut r = vec![0u64; ORDER_SLOTS];
    r[O_ACTION] = (action as f64).to_bits();
    r[O_ID] = id.to_bits();
    r[O_TYPE] = (typ as f64).to_bits();
    r[O_SIDE] = side.to_bits();
    r[O_QTY] = qty.to_bits();
    r[O_LIMIT] = limit.to_bits();
    r[O_STOP] = stop.to_bits();
    r[O_TIF] = (tif as f64).to_bits();
    r
}

fn ev(r: &Rig, i: usize) -> (i64, f64, f64, i64) {
    let e = &r.e.broker.events[i];
    let f = |s: usize| f64::from_bits(e[s]);
    (f(E_KIND) as i64, f(E_PRICE), f(E_REFERENCE), f(E_REASON) as i64)
}

impl Rig {
    fn trades(&mut self, t: &[i64], p: &[f64]) {
        let b = Batch { time: t, price: Some(p), ..Batch::default() };
        self.e.validate(&b).unwrap();
        let mut k = 0;
        while k < t.len() {
            k = self.e.run(&mut self.mem, &b, k).unwrap();
        }
    }
    fn quotes(&mut self, t: &[i64], bid: &[f64], ask: &[f64]) {
        let b = Batch { time: t, price: Some(bid), bid: Some(bid), ask: Some(ask), ..Batch::default() };
        self.e.validate(&b).unwrap();
        let mut k = 0;
        while k < t.len() {
            k = self.e.run(&mut self.mem, &b, k).unwrap();
        }
    }
    fn send(&mut self, r: Vec<u64>) {
        self.e.submit(&r).unwrap();
    }
    fn last(&self) -> (i64, f64, f64, i64) {
        ev(self, self.e.broker.events.len() - 1)
    }
}

#[test]
fn market_order_fills_at_the_next_tick_price_not_the_one_seen() {
    let mut r = rig(ExecOptions::default());
    r.trades(&[1], &[100.0]);
    r.send(order(ACT_SUBMIT, 1.0, TYPE_MARKET, 1.0, 10.0, 0.0, 0.0, TIF_GTC));
    assert_eq!(r.last().0, KIND_ACCEPTED);
    r.trades(&[2, 3], &[101.0, 102.0]);
    assert_eq!(r.last(), (KIND_FILLED, 101.0, 101.0, R_MARKET));
    let a = r.e.broker.account();
    assert_eq!(a[A_POSITION], 10.0);
    assert_eq!(a[A_CASH], 100_000.0 - 1010.0);
    assert_eq!(a[A_EQUITY], 100_000.0 + 10.0);
    assert_eq!(a[A_UNREALISED], 10.0);
}

#[test]
fn quote_model_buys_at_the_ask_and_sells_at_the_bid() {
    let mut r = rig(ExecOptions { fill: FillModel::Quote, tick_size: 0.00001, ..ExecOptions::default() });
    r.send(order(ACT_SUBMIT, 1.0, TYPE_MARKET, 1.0, 1000.0, 0.0, 0.0, TIF_GTC));
    r.quotes(&[1], &[1.1], &[1.1002]);
    assert_eq!(r.last().1, 1.1002);
    r.send(order(ACT_SUBMIT, 2.0, TYPE_MARKET, -1.0, 1000.0, 0.0, 0.0, TIF_GTC));
    r.quotes(&[2], &[1.1001], &[1.1003]);
    assert_eq!(r.last().1, 1.1001);
    let a = r.e.broker.account();
    assert_eq!(a[A_POSITION], 0.0);
    assert!((a[A_REALISED] - -0.1).abs() < 1e-9, "{}", a[A_REALISED]);
    assert_eq!(r.e.broker.trades.len(), 1);
}

/// A crossed quote (bid above ask, kept by an import with `crossedQuotes: 'keep'`) fills as given: a buy at its
/// (lower) ask, a sell at its (higher) bid. Documented in native/README.md; the data-import README points there.
#[test]
fn quote_model_fills_a_crossed_quote_as_given() {
    let mut r = rig(ExecOptions { fill: FillModel::Quote, tick_size: 0.00001, ..ExecOptions::default() });
    r.send(order(ACT_SUBMIT, 1.0, TYPE_MARKET, 1.0, 1000.0, 0.0, 0.0, TIF_GTC));
    r.quotes(&[1], &[1.1003], &[1.1001]);
    assert_eq!(r.last().1, 1.1001);
    r.send(order(ACT_SUBMIT, 2.0, TYPE_MARKET, -1.0, 1000.0, 0.0, 0.0, TIF_GTC));
    r.quotes(&[2], &[1.1003], &[1.1001]);
    assert_eq!(r.last().1, 1.1003);
    let a = r.e.broker.account();
    assert!((a[A_REALISED] - 0.2).abs() < 1e-9, "{}", a[A_REALISED]);
}

#[test]
fn limit_touched_fills_under_touch_but_not_under_through() {
    for (through, filled) in [(false, true), (true, false)] {
        let mut r = rig(ExecOptions { limit_through: through, ..ExecOptions::default() });
        r.trades(&[1], &[101.0]);
        r.send(order(ACT_SUBMIT, 1.0, TYPE_LIMIT, 1.0, 1.0, 100.0, 0.0, TIF_GTC));
        r.trades(&[2, 3, 4], &[100.5, 100.0, 100.5]);
        assert_eq!(r.e.broker.account()[A_FILLS] == 1.0, filled, "through {}", through);
        if filled {
            assert_eq!(r.last(), (KIND_FILLED, 100.0, 100.0, R_LIMIT_RESTING));
        } else {
            r.send(order(ACT_CANCEL, 1.0, 0, 0.0, 0.0, 0.0, 0.0, 0));
            // Cancelled with the closest price the market came: it touched the limit.
            let (kind, _, closest, reason) = r.last();
            assert_eq!((kind, closest, reason), (KIND_CANCELLED, 100.0, R_CANCEL_REQUEST));
        }
    }
}

#[test]
fn a_stop_jumped_over_by_a_gap_fills_at_the_first_price_after_the_gap() {
    let mut r = rig(ExecOptions::default());
    r.trades(&[1], &[100.0]);
    r.send(order(ACT_SUBMIT, 1.0, TYPE_MARKET, 1.0, 5.0, 0.0, 0.0, TIF_GTC));
    r.send(order(ACT_SUBMIT, 2.0, TYPE_STOP, -1.0, 5.0, 0.0, 99.0, TIF_GTC));
    r.trades(&[2, 3, 4], &[100.0, 99.5, 97.0]);
    assert_eq!(r.last(), (KIND_FILLED, 97.0, 97.0, R_STOP_GAP));
    let tr = &r.e.broker.trades[0];
    assert_eq!(f64::from_bits(tr[T_PNL]), -15.0);
    assert_eq!(f64::from_bits(tr[T_MAE]), -15.0);
    // A stop reached without a gap fills at the stop price (rule R_STOP).
    r.send(order(ACT_SUBMIT, 3.0, TYPE_STOP, 1.0, 1.0, 0.0, 98.0, TIF_GTC));
    r.trades(&[5, 6], &[97.5, 98.0]);
    assert_eq!(r.last(), (KIND_FILLED, 98.0, 98.0, R_STOP));
}

#[test]
fn bad_orders_are_rejected_with_a_reason() {
    let mut r = rig(ExecOptions::default());
    let cases = [
        (order(ACT_SUBMIT, 1.0, TYPE_MARKET, 1.0, 0.0, 0.0, 0.0, TIF_GTC), R_BAD_QTY),
        (order(ACT_SUBMIT, 2.0, TYPE_MARKET, 1.0, f64::NAN, 0.0, 0.0, TIF_GTC), R_BAD_QTY),
        (order(ACT_SUBMIT, 3.0, TYPE_LIMIT, 1.0, 1.0, 100.005, 0.0, TIF_GTC), R_OFF_GRID),
        (order(ACT_SUBMIT, 4.0, TYPE_LIMIT, 1.0, 1.0, f64::NAN, 0.0, TIF_GTC), R_BAD_PRICE),
        (order(ACT_CANCEL, 99.0, 0, 0.0, 0.0, 0.0, 0.0, 0), R_UNKNOWN_ORDER),
        (order(ACT_SUBMIT, 5.0, 9, 1.0, 1.0, 0.0, 0.0, TIF_GTC), R_BAD_TYPE),
        (order(ACT_SUBMIT, 6.0, TYPE_MARKET, 0.0, 1.0, 0.0, 0.0, TIF_GTC), R_BAD_SIDE),
        (order(ACT_SUBMIT, 0.0, TYPE_MARKET, 1.0, 1.0, 0.0, 0.0, TIF_GTC), R_BAD_ID),
        (order(ACT_SUBMIT, 7.0, TYPE_MARKET, 1.0, 1.5, 0.0, 0.0, TIF_GTC), R_BAD_QTY),
    ];
    for (o, reason) in cases.iter() {
        r.send(o.clone());
        assert_eq!((r.last().0, r.last().3), (KIND_REJECTED, *reason));
    }
    let mut unknown = order(ACT_SUBMIT, 8.0, TYPE_MARKET, 1.0, 1.0, 0.0, 0.0, TIF_GTC);
    unknown[O_INSTRUMENT] = 3f64.to_bits();
    r.send(unknown);
    assert_eq!(r.last().3, R_UNKNOWN_INSTRUMENT);
    r.send(order(ACT_SUBMIT, 9.0, TYPE_MARKET, 1.0, 1.0, 0.0, 0.0, TIF_GTC));
    r.send(order(ACT_SUBMIT, 9.0, TYPE_MARKET, 1.0, 1.0, 0.0, 0.0, TIF_GTC));
    assert_eq!(r.last().3, R_DUPLICATE_ID);
    assert_eq!(r.e.broker.events.len(), cases.len() + 3);
    assert!(r.e.submit(&[0u64; 3]).is_err(), "a malformed buffer is an error, not an order");
}

#[test]
fn latency_delays_orders_and_ioc_expires_with_the_closest_price() {
    let mut r = rig(ExecOptions { latency: 10, ..ExecOptions::default() });
    r.trades(&[100], &[50.0]);
    r.send(order(ACT_SUBMIT, 1.0, TYPE_MARKET, 1.0, 1.0, 0.0, 0.0, TIF_GTC));
    r.trades(&[105, 109, 110, 111], &[51.0, 52.0, 53.0, 54.0]);
    assert_eq!(r.last(), (KIND_FILLED, 53.0, 53.0, R_MARKET));
    r.send(order(ACT_SUBMIT, 2.0, TYPE_LIMIT, 1.0, 1.0, 52.0, 0.0, TIF_IOC));
    r.trades(&[200, 300], &[53.5, 52.0]);
    let (kind, _, closest, reason) = r.last();
    assert_eq!((kind, closest, reason), (KIND_EXPIRED, 53.5, R_IOC_UNFILLED));
}

#[test]
fn day_orders_expire_at_the_session_end_and_gtd_at_their_time() {
    let day = 86_400_000_000i64;
    let mut r = rig(ExecOptions::default());
    r.trades(&[1000], &[10.0]);
    r.send(order(ACT_SUBMIT, 1.0, TYPE_LIMIT, 1.0, 1.0, 9.0, 0.0, TIF_DAY));
    let mut g = order(ACT_SUBMIT, 2.0, TYPE_LIMIT, 1.0, 1.0, 9.0, 0.0, TIF_GTD);
    g[O_EXPIRE] = (day + 5) as u64;
    r.send(g);
    r.trades(&[day - 1, day], &[9.5, 9.6]);
    let n = r.e.broker.events.len();
    let (kind, _, closest, reason) = ev(&r, n - 1);
    assert_eq!((kind, closest, reason), (KIND_EXPIRED, 9.5, R_DAY_END));
    assert_eq!(f64::from_bits(r.e.broker.events[n - 1][E_TIME]) , f64::from_bits(day as u64));
    r.e.advance_to(&mut r.mem, day + 5).unwrap();
    assert_eq!(r.last().3, R_GTD_EXPIRY);
}

#[test]
fn commission_per_unit_per_order_percent_with_minimum() {
    let c = Commission { per_unit: 0.005, per_order: 1.0, percent: 0.0, minimum: 2.0 };
    assert_eq!(c.of(100.0, 10_000.0), 2.0);
    assert_eq!(c.of(1000.0, 10_000.0), 6.0);
    let p = Commission { percent: 0.1, ..Commission::default() };
    assert!((p.of(10.0, 10_000.0) - 10.0).abs() < 1e-12);
}

#[test]
fn wake_stops_after_the_filling_tick() {
    let mut r = rig(ExecOptions { wake: true, ..ExecOptions::default() });
    let b = Batch { time: &[1, 2, 3], price: Some(&[5.0, 6.0, 7.0]), ..Batch::default() };
    r.send(order(ACT_SUBMIT, 1.0, TYPE_LIMIT, -1.0, 1.0, 6.0, 0.0, TIF_GTC));
    let k = r.e.run(&mut r.mem, &b, 0).unwrap();
    assert_eq!(k, 2);
    assert_eq!(get_f(&r.mem, crate::layout::H_EVENT) as i64, EV_ORDER);
    assert_eq!(r.last(), (KIND_FILLED, 6.0, 6.0, R_LIMIT_RESTING));
}

#[test]
fn seeded_random_slippage_is_deterministic() {
    let run = |seed| {
        let mut r = rig(ExecOptions { slippage: Slippage::Random { max_ticks: 5, seed }, ..ExecOptions::default() });
        let mut prices = Vec::new();
        for i in 0..50 {
            r.send(order(ACT_SUBMIT, (i + 1) as f64, TYPE_MARKET, if i % 2 == 0 { 1.0 } else { -1.0 }, 1.0, 0.0, 0.0, TIF_GTC));
            r.trades(&[i as i64 + 1], &[100.0]);
            prices.push(r.last().1);
        }
        prices
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
    assert!(run(7).iter().all(|p| *p >= 100.0 - 0.05 - 1e-9 && *p <= 100.0 + 0.05 + 1e-9));
}

/// A long random-order run on a random walk: after every stop the books balance.
#[test]
fn accounting_invariants_hold_after_every_event_in_a_long_random_run() {
    let mut seed = 0x1234_5678_9abc_def0u64;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for fill in [FillModel::Trade, FillModel::Quote] {
        let x = ExecOptions {
            fill,
            wake: true,
            commission: Commission { per_unit: 0.01, per_order: 0.5, percent: 0.01, minimum: 1.0 },
            slippage: Slippage::Random { max_ticks: 2, seed: 3 },
            multiplier: 2.0,
            latency: 3,
            ..ExecOptions::default()
        };
        let mut r = rig(x);
        r.e.subscribe(1, false);
        let n = 200_000;
        let mut t = Vec::with_capacity(n);
        let mut bid = Vec::with_capacity(n);
        let mut ask = Vec::with_capacity(n);
        let mut p = 100.0f64;
        for i in 0..n {
            p = (p + ((rnd() % 7) as f64 - 3.0) * 0.01).max(50.0);
            p = (p * 100.0).round() / 100.0;
            t.push(i as i64 * 100_000);
            bid.push(p);
            ask.push(p + 0.01 * (1 + rnd() % 3) as f64);
        }
        let b = Batch { time: &t, price: Some(&bid), bid: Some(&bid), ask: Some(&ask), size: None };
        r.e.validate(&b).unwrap();
        let mut k = 0;
        let mut id = 1.0;
        let mut stops = 0;
        let mut bar_stops = 0;
        while k < n {
            k = r.e.run(&mut r.mem, &b, k).unwrap();
            stops += 1;
            let a = r.e.broker.account();
            // The account block of the state memory: current exactly at bar-close stops, then equal to account().
            let hdr = |i: usize| f64::from_bits(r.mem[i]);
            assert_eq!(hdr(crate::layout::H_STOPS), stops as f64);
            let closed = hdr(crate::layout::H_EVENT) as i64 & crate::layout::EV_BAR_CLOSE != 0;
            assert_eq!(hdr(crate::layout::H_ACCOUNT_STOP) == stops as f64, closed);
            if closed {
                bar_stops += 1;
                let o = hdr(crate::layout::H_ACCOUNT) as usize;
                let block: Vec<u64> = a.iter().map(|v| v.to_bits()).collect();
                assert_eq!(&r.mem[o..o + ACCOUNT_SLOTS], &block[..]);
            }
            let m = 2.0;
            let marked = if a[A_POSITION] == 0.0 { 0.0 } else { a[A_POSITION] * a[A_MARK] * m };
            assert!((a[A_EQUITY] - (a[A_CASH] + marked)).abs() < 1e-6);
            let eq2 = a[A_INITIAL_CASH] + a[A_REALISED] + a[A_UNREALISED] - a[A_COMMISSION];
            assert!((a[A_EQUITY] - eq2).abs() < 1e-6, "equity {} vs {}", a[A_EQUITY], eq2);
            if a[A_POSITION] == 0.0 {
                let closed: f64 = r.e.broker.trades.iter().map(|tr| f64::from_bits(tr[T_PNL])).sum();
                let comm: f64 = r.e.broker.trades.iter().map(|tr| f64::from_bits(tr[T_COMMISSION])).sum();
                assert!((closed - comm - (a[A_CASH] - a[A_INITIAL_CASH])).abs() < 1e-6, "closed trades vs cash");
            }
            // A few random orders at each stop.
            let last = bid[k.saturating_sub(1)];
            for _ in 0..(rnd() % 3) {
                let typ = (rnd() % 5) as i64;
                let side = if rnd() % 2 == 0 { 1.0 } else { -1.0 };
                let off = ((rnd() % 20) as f64 - 10.0) * 0.01;
                let px = ((last + off) * 100.0).round() / 100.0;
                let tif = [TIF_GTC, TIF_IOC, TIF_DAY][(rnd() % 3) as usize];
                r.send(order(ACT_SUBMIT, id, typ, side, (1 + rnd() % 5) as f64, px, px, tif));
                id += 1.0;
                if rnd() % 4 == 0 {
                    r.send(order(ACT_CANCEL, 1.0 + (rnd() % id as u64) as f64, 0, 0.0, 0.0, 0.0, 0.0, 0));
                }
            }
            if r.e.broker.open_orders() == 0 {
                r.send(order(ACT_SUBMIT, id, TYPE_LIMIT, 1.0, 1.0, ((last - 0.05) * 100.0).round() / 100.0, 0.0, TIF_GTC));
                id += 1.0;
            }
        }
        assert!(stops > 1000, "{:?}: only {} stops", fill, stops);
        assert!(bar_stops > 100 && bar_stops < stops, "{:?}: {} bar-close stops of {}", fill, bar_stops, stops);
        assert!(r.e.broker.trades.len() > 20, "{:?}: {} trades", fill, r.e.broker.trades.len());
        for tr in &r.e.broker.trades {
            assert!(f64::from_bits(tr[T_MAE]) <= 0.0 && f64::from_bits(tr[T_MFE]) >= 0.0);
        }
    }
}

/// Every slipped fill lies on the tick grid and is no better than the market price: the
/// slipped price is rounded against the trader (buy: up, sell: down). The class: every
/// slippage model (whole and fractional ticks, percentages that fall between ticks, random
/// ticks), both sides, several tick sizes, many prices on the grid.
#[test]
fn slipped_fills_are_on_the_tick_grid_and_never_better_than_the_market() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let models = [
        Slippage::None,
        Slippage::Ticks(1.0),
        Slippage::Ticks(3.0),
        Slippage::Ticks(0.5),
        Slippage::Percent(0.1),
        Slippage::Percent(0.0137),
        Slippage::Percent(1.7),
        Slippage::Random { max_ticks: 4, seed: 11 },
    ];
    for tick in [0.01, 0.25, 0.00001, 0.1, 1.0] {
        for slippage in models {
            let mut r = rig(ExecOptions { tick_size: tick, slippage, initial_cash: 1.0e9, ..ExecOptions::default() });
            let mut t = 0i64;
            let mut id = 1.0;
            for _ in 0..300 {
                let m = 1000 + rnd() % 39_000;
                let market = (m as f64 * tick * 1e10).round() / 1e10;
                for side in [1.0, -1.0] {
                    r.send(order(ACT_SUBMIT, id, TYPE_MARKET, side, 1.0, 0.0, 0.0, TIF_GTC));
                    id += 1.0;
                    t += 1;
                    r.trades(&[t], &[market]);
                    let (kind, price, reference, _) = r.last();
                    let what = format!("{:?}, tick {}, {} at {}: filled at {}", slippage, tick, if side > 0.0 { "buy" } else { "sell" }, market, price);
                    assert_eq!(kind, KIND_FILLED, "{}", what);
                    assert_eq!(reference, market, "{}", what);
                    let ticks = price / tick;
                    assert!((ticks - ticks.round()).abs() < 1e-9 * ticks.abs().max(1.0), "{}: not on the grid", what);
                    assert!(if side > 0.0 { price >= market } else { price <= market }, "{}: better than the market", what);
                }
            }
        }
    }
}
