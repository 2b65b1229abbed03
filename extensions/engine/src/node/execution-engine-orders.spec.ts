import { expect } from 'chai';
import { BarBatch, ExecutionEngine, ExecutionOrderEvent, OrderRequest } from '@backtestr/engine-core';
import { SymbolPropertiesDatabase, executionOptionsFor } from './instrument-spec';
import { dataFiles, hasData, newYorkOffsetMs, readQuoteDay, readTradeDay, TradeTicks, QuoteTicks } from './test-support/lean-data';

function slice<T extends TradeTicks | QuoteTicks>(d: T, from: number, to: number): T {
    const out: Record<string, Float64Array | BigInt64Array> = {};
    for (const [k, v] of Object.entries(d)) {
        out[k] = (v as Float64Array).subarray(from, to);
    }
    return out as unknown as T;
}

const cents = (p: number): number => Math.round(p * 100) / 100;
const of = (ev: ExecutionOrderEvent[], id: number): [string, string][] => ev.filter(v => v.order === id).map(v => [v.kind, v.reason]);
const MINUTE = 60_000_000n;

/** 1-minute OHLCV bars of trades, plus the index of each bar's first tick. */
function minuteBars(d: TradeTicks): BarBatch & { first: number[] } {
    const time: bigint[] = [];
    const o: number[] = [], h: number[] = [], l: number[] = [], c: number[] = [], v: number[] = [], first: number[] = [];
    for (let i = 0; i < d.time.length; i++) {
        const t = d.time[i] - d.time[i] % MINUTE;
        const p = d.price[i];
        if (time.length === 0 || time[time.length - 1] !== t) {
            time.push(t); o.push(p); h.push(p); l.push(p); c.push(p); v.push(0); first.push(i);
        }
        const k = time.length - 1;
        h[k] = Math.max(h[k], p);
        l[k] = Math.min(l[k], p);
        c[k] = p;
        v[k] += d.size[i];
    }
    return {
        time: BigInt64Array.from(time), open: Float64Array.from(o), high: Float64Array.from(h), low: Float64Array.from(l),
        close: Float64Array.from(c), volume: Float64Array.from(v), first,
    };
}

function barSlice(b: BarBatch, from: number, to: number): BarBatch {
    return {
        time: b.time.subarray(from, to), open: b.open.subarray(from, to), high: b.high.subarray(from, to),
        low: b.low.subarray(from, to), close: b.close.subarray(from, to),
    };
}

describe('ExecutionEngine: trailing stops, brackets, partial fills, hedging, margin, bar model', () => {
    const spy = hasData('spy-trades-2013-10') ? it : it.skip;
    const eur = hasData('eurusd-quotes-2014-05') ? it : it.skip;
    const spyDay = (): TradeTicks => readTradeDay(dataFiles('spy-trades-2013-10')[0]);

    spy('SPY trades: a trailing stop follows the running high and fills at the first tick at or below it', () => {
        const d = spyDay();
        const start = 20_000;
        const e = new ExecutionEngine({ timeframes: ['1m'] }, { tickSize: 0.01 });
        e.process(slice(d, 0, start));
        e.submit([{ id: 1, type: 'market', side: 'buy', qty: 100 }, { id: 2, type: 'trailingStop', side: 'sell', qty: 100, trail: 0.25 }]);
        e.process(slice(d, start, d.time.length));
        // Independently: both orders are active from tick `start`; the stop trails the high.
        let best = -Infinity;
        let stop = NaN;
        let hit = -1;
        for (let i = start; i < d.time.length; i++) {
            const p = d.price[i];
            if (p > best) {
                best = p;
                stop = Math.max(Number.isNaN(stop) ? -Infinity : stop, cents(Math.floor((best - 0.25) * 100 + 1e-6) / 100));
            }
            if (p <= stop) {
                hit = i;
                break;
            }
        }
        expect(hit, 'the trail is hit within the day').to.be.greaterThan(start);
        const fill = e.events().find(v => v.order === 2 && v.kind === 'filled');
        expect(fill).to.include({ tickIndex: hit - start, price: d.price[hit] });
        expect(['TRAIL', 'STOP_GAP']).to.include(fill?.reason);
        expect(e.account().position).to.equal(0);
    });

    eur('EURUSD quotes: a percent trailing stop on a short watches the ask', () => {
        const q = readQuoteDay(dataFiles('eurusd-quotes-2014-05')[1]);
        const start = 1000;
        const e = new ExecutionEngine({ timeframes: ['1m'], priceSource: 'bid' }, { fill: 'quote', tickSize: 0.00001 });
        e.process(slice(q, 0, start));
        e.submit([{ id: 1, type: 'market', side: 'sell', qty: 10_000 }, { id: 2, type: 'trailingStop', side: 'buy', qty: 10_000, trailPercent: 0.05 }]);
        e.process(slice(q, start, q.time.length));
        let best = Infinity;
        let stop = Infinity;
        let hit = -1;
        for (let i = start; i < q.time.length; i++) {
            const a = q.ask[i];
            if (a < best) {
                best = a;
                stop = Math.min(stop, Math.round(Math.ceil((a + a * 0.0005) * 1e5 - 1e-6)) / 1e5);
            }
            if (a >= stop) {
                hit = i;
                break;
            }
        }
        expect(hit).to.be.greaterThan(start);
        const fill = e.events().find(v => v.order === 2 && v.kind === 'filled');
        expect(fill).to.include({ tickIndex: hit - start, price: q.ask[hit] });
        expect(e.events().find(v => v.order === 1 && v.kind === 'filled')?.price).to.equal(q.bid[start]);
    });

    eur('EURUSD quotes: 160 resting limits and stops each fill at the first tick whose ask (buy) / bid (sell) reaches them', () => {
        const q = readQuoteDay(dataFiles('eurusd-quotes-2014-05')[1]);
        const start = 2000;
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = start; i < q.time.length; i++) {
            lo = Math.min(lo, q.bid[i]);
            hi = Math.max(hi, q.ask[i]);
        }
        let seed = 99;
        const rnd = (): number => {
            seed = (seed * 1103515245 + 12345) % 2147483648;
            return seed / 2147483648;
        };
        const grid = (p: number): number => Math.round(p * 1e5) / 1e5;
        const orders: OrderRequest[] = [];
        const [bid0, ask0] = [q.bid[start], q.ask[start]];
        for (let i = 0; i < 40; i++) {
            orders.push({ id: 4 * i + 1, type: 'limit', side: 'buy', qty: 1, limit: grid(lo - 0.0002 + (ask0 - 0.00001 - lo + 0.0002) * rnd()) });
            orders.push({ id: 4 * i + 2, type: 'limit', side: 'sell', qty: 1, limit: grid(bid0 + 0.00001 + (hi + 0.0002 - bid0) * rnd()) });
            orders.push({ id: 4 * i + 3, type: 'stop', side: 'buy', qty: 1, stop: grid(ask0 + 0.00001 + (hi + 0.0002 - ask0) * rnd()) });
            orders.push({ id: 4 * i + 4, type: 'stop', side: 'sell', qty: 1, stop: grid(lo - 0.0002 + (bid0 - 0.00001 - lo + 0.0002) * rnd()) });
        }
        const e = new ExecutionEngine({ timeframes: ['1m'], priceSource: 'bid' }, { fill: 'quote', tickSize: 0.00001 });
        e.process(slice(q, 0, start));
        e.submit(orders);
        e.process(slice(q, start, q.time.length));
        const got = new Map(e.events().filter(v => v.kind === 'filled').map(v => [v.order, [v.tickIndex, v.price]]));
        const want = new Map<number, number[]>();
        for (const o of orders) {
            for (let i = start; i < q.time.length; i++) {
                const [b, a] = [q.bid[i], q.ask[i]];
                const hit = o.type === 'limit' ? (o.side === 'buy' ? a <= o.limit! : b >= o.limit!) : (o.side === 'buy' ? a >= o.stop! : b <= o.stop!);
                if (hit) {
                    want.set(o.id, [i - start, o.type === 'limit' ? o.limit! : o.side === 'buy' ? a : b]);
                    break;
                }
            }
        }
        expect(want.size, 'most orders are reached during the day').to.be.greaterThan(100);
        expect(want.size, 'some are not').to.be.lessThan(160);
        expect([...got.entries()].sort((x, y) => x[0] - y[0])).to.deep.equal([...want.entries()].sort((x, y) => x[0] - y[0]));
        // The unfilled ones, cancelled: the closest the ask (buys) / bid (sells) came while they rested.
        const open = orders.filter(o => !want.has(o.id));
        e.cancel(...open.map(o => o.id));
        const cancelled = new Map(e.events().filter(v => v.kind === 'cancelled').map(v => [v.order, v.reference]));
        for (const o of open) {
            const col = o.side === 'buy' ? q.ask : q.bid;
            const low = (o.type === 'limit') === (o.side === 'buy');
            let c = low ? Infinity : -Infinity;
            for (let i = start; i < q.time.length; i++) {
                c = low ? Math.min(c, col[i]) : Math.max(c, col[i]);
            }
            expect(cancelled.get(o.id), `order ${o.id}`).to.equal(c);
        }
    });

    spy('SPY bars: a bracket whose take-profit and stop-loss both lie in one bar resolves per the intrabar path; the tick model takes the one the ticks reach first', () => {
        const d = spyDay();
        const bars = minuteBars(d);
        let checked = 0;
        const seen = new Set<string>();
        for (let j = 30; j < bars.time.length - 1 && checked < 12; j += 7) {
            const [o, h, l] = [bars.open[j], bars.high[j], bars.low[j]];
            if (h - o < 0.03 || o - l < 0.03) {
                continue;
            }
            const tp = cents(h - 0.01);
            const sl = cents(l + 0.01);
            const highFirst = h - o <= o - l;
            const bracket = { entry: { id: 1, type: 'market', side: 'buy', qty: 100 } as OrderRequest, takeProfit: { id: 2, limit: tp }, stopLoss: { id: 3, stop: sl } };
            // Bar model.
            const b = new ExecutionEngine({ timeframes: ['1m'] }, { fill: 'bar', tickSize: 0.01 });
            b.processBars(barSlice(bars, 0, j));
            b.bracket(bracket);
            b.processBars(barSlice(bars, j, j + 1));
            const bf = b.events().filter(v => v.kind === 'filled');
            expect(bf.map(v => v.order), `bar ${j}`).to.deep.equal([1, highFirst ? 2 : 3]);
            expect(bf[0].price).to.equal(o);
            expect(bf[1].price).to.equal(highFirst ? tp : sl);
            expect(of(b.events(), highFirst ? 3 : 2).pop()).to.deep.equal(['cancelled', 'OCO']);
            // Tick model over the same minute's trades.
            const t = new ExecutionEngine({ timeframes: ['1m'] }, { tickSize: 0.01 });
            const a = bars.first[j];
            const z = bars.first[j + 1];
            t.process(slice(d, 0, a));
            t.bracket(bracket);
            t.process(slice(d, a, z));
            let first = 0;
            for (let i = a + 1; i < z; i++) {
                if (d.price[i] >= tp) {
                    first = 2;
                    break;
                }
                if (d.price[i] <= sl) {
                    first = 3;
                    break;
                }
            }
            const tf = t.events().filter(v => v.kind === 'filled');
            expect(tf.map(v => v.order), `ticks of bar ${j}`).to.deep.equal([1, first]);
            seen.add(`${highFirst}/${first}`);
            checked++;
        }
        expect(checked).to.be.greaterThan(5);
        expect(seen.size, 'both path orders and both tick orders occur').to.be.greaterThan(1);
    });

    spy('SPY bars: a stop gapped over at the open fills at the open; a stop reached inside the bar fills at its own price', () => {
        const bars = minuteBars(spyDay());
        let j = 1;
        while (j < bars.time.length && !(bars.open[j] < bars.close[j - 1] - 0.025)) {
            j++;
        }
        expect(j).to.be.lessThan(bars.time.length);
        const e = new ExecutionEngine({ timeframes: ['1m'] }, { fill: 'bar', tickSize: 0.01 });
        e.processBars(barSlice(bars, 0, j));
        e.submit([{ id: 1, type: 'stop', side: 'sell', qty: 1, stop: cents(bars.close[j - 1] - 0.01) }]);
        e.processBars(barSlice(bars, j, j + 1));
        expect(e.events().find(v => v.kind === 'filled')).to.include({ reason: 'STOP_GAP', price: bars.open[j] });

        let m = j + 1;
        while (m < bars.time.length && !(bars.open[m] - bars.low[m] >= 0.03 && bars.close[m - 1] === bars.open[m])) {
            m++;
        }
        expect(m).to.be.lessThan(bars.time.length);
        const f = new ExecutionEngine({ timeframes: ['1m'] }, { fill: 'bar', tickSize: 0.01 });
        f.processBars(barSlice(bars, 0, m));
        const stop = cents(bars.low[m] + 0.01);
        f.submit([{ id: 2, type: 'stop', side: 'sell', qty: 1, stop }]);
        f.processBars(barSlice(bars, m, m + 1));
        expect(f.events().find(v => v.kind === 'filled')).to.include({ reason: 'STOP_PATH', price: stop });
    });

    spy('SPY trades: IOC fills what the volume cap allows and cancels the rest; FOK fills nothing; a limit fills in parts across ticks', () => {
        const d = spyDay();
        const k = 5000;
        const cap = 0.5;
        const e = new ExecutionEngine({ timeframes: ['1m'] }, { tickSize: 0.01, participation: cap });
        e.process(slice(d, 0, k));
        const big = 100_000;
        e.submit([{ id: 1, type: 'market', side: 'buy', qty: big, tif: 'IOC' }, { id: 2, type: 'market', side: 'buy', qty: big, tif: 'FOK' }]);
        e.process(slice(d, k, k + 1));
        const avail = Math.floor(d.size[k] * cap);
        expect(avail).to.be.greaterThan(0);
        const ev = e.events();
        expect(of(ev, 1)).to.deep.equal([['accepted', 'OK'], ['partlyFilled', 'MARKET'], ['cancelled', 'IOC_REMAINDER']]);
        expect(ev.find(v => v.order === 1 && v.kind === 'partlyFilled')).to.include({ qty: avail, price: d.price[k], remaining: big - avail });
        // The IOC took the tick's whole allowance: the FOK (same tick) cannot fill all.
        expect(of(ev, 2)).to.deep.equal([['accepted', 'OK'], ['expired', 'FOK_UNFILLED']]);
        // A marketable-then-resting limit: parts at most cap * tick size, summing to the order.
        const lim = cents(d.price[k] + 0.05);
        const qty = 20_000;
        e.submit([{ id: 3, type: 'limit', side: 'buy', qty, limit: lim }]);
        e.process(slice(d, k + 1, d.time.length));
        const parts = e.events().filter(v => v.order === 3 && (v.kind === 'partlyFilled' || v.kind === 'filled'));
        expect(parts.length).to.be.greaterThan(2);
        expect(parts[parts.length - 1].kind).to.equal('filled');
        expect(parts.reduce((s, v) => s + v.qty, 0)).to.equal(qty);
        for (const p of parts) {
            expect(p.qty).to.be.at.most(Math.floor(d.size[k + 1 + p.tickIndex] * cap));
            expect(p.price).to.be.at.most(lim);
        }
        expect(e.account().position).to.equal(avail + qty);
    });

    eur('EURUSD quotes: a DAY order expires at the session end (17:00 New York)', () => {
        const q = readQuoteDay(dataFiles('eurusd-quotes-2014-05')[0]);
        const e = new ExecutionEngine({ timeframes: ['1m'], priceSource: 'bid', session: '17:00 America/New_York' }, { fill: 'quote', tickSize: 0.00001 });
        e.process(slice(q, 0, 100));
        e.submit([{ id: 1, type: 'limit', side: 'buy', qty: 1000, limit: 1.0, tif: 'DAY' }, { id: 2, type: 'limit', side: 'buy', qty: 1000, limit: 1.0 }]);
        const next = readQuoteDay(dataFiles('eurusd-quotes-2014-05')[1]);
        e.process(slice(q, 100, q.time.length));
        e.process(next);
        const all = [...q.time, ...next.time];
        const dayStartMs = Number(q.time[0] / 1000n) - Number(q.time[0] / 1000n) % 86_400_000;
        // 17:00 New York of the first day, in UTC.
        const endMs = dayStartMs + 17 * 3_600_000 - newYorkOffsetMs(dayStartMs + 17 * 3_600_000);
        const end = BigInt(endMs) * 1000n;
        const firstAfter = all.find(t => t >= end);
        expect(firstAfter, 'ticks after the session end').to.not.equal(undefined);
        const x = e.events().find(v => v.order === 1 && v.kind !== 'accepted');
        expect(x).to.include({ kind: 'expired', reason: 'DAY_END', time: firstAfter });
        expect(x?.reference).to.be.greaterThan(1.0);
        expect(e.account().openOrders).to.equal(1);
    });

    eur('EURUSD quotes: hedging holds a long and a short at once, each marked on its side, closed by position id', () => {
        const q = readQuoteDay(dataFiles('eurusd-quotes-2014-05')[3]);
        expect(q.time.length).to.be.greaterThan(5001);
        const e = new ExecutionEngine({ timeframes: ['1m'], priceSource: 'bid' }, { fill: 'quote', tickSize: 0.00001, hedging: true, lotSize: 1 });
        e.process(slice(q, 0, 10));
        e.submit([{ id: 1, type: 'market', side: 'buy', qty: 10_000 }, { id: 2, type: 'market', side: 'sell', qty: 4000 }]);
        e.process(slice(q, 10, 5000));
        const ps = e.positions();
        expect(ps.map(p => [p.id, p.side, p.qty, p.avgPrice])).to.deep.equal([[1, 'long', 10_000, q.ask[10]], [2, 'short', 4000, q.bid[10]]]);
        const a = e.account();
        expect(a).to.include({ position: 6000, positions: 2 });
        expect(a.equity).to.be.closeTo(a.cash + 10_000 * q.bid[4999] - 4000 * q.ask[4999], 1e-6);
        e.submit([{ id: 3, type: 'market', side: 'buy', qty: 4000, position: 2 }, { id: 4, type: 'market', side: 'buy', qty: 1, position: 1 }]);
        e.process(slice(q, 5000, 5001));
        expect(of(e.events(), 4)).to.deep.equal([['rejected', 'UNKNOWN_POSITION']]);
        const tr = e.trades();
        expect(tr.map(t => [t.position, t.side, t.entryPrice])).to.deep.equal([[2, 'short', q.bid[10]]]);
        expect(tr[0].exitPrice).to.be.closeTo(q.ask[5000], 1e-12);
        expect(tr[0].pnl).to.be.closeTo((q.bid[10] - q.ask[5000]) * 4000, 1e-9);
        expect(e.positions().map(p => p.id)).to.deep.equal([1]);
    });

    spy('SPY trades: margin and pyramiding limits reject with a reason; modify moves a working limit', () => {
        const d = spyDay();
        const p = d.price[100];
        const e = new ExecutionEngine({ timeframes: ['1m'] }, { tickSize: 0.01, leverage: 2, initialCash: 50_000, maxEntries: 2 });
        e.process(slice(d, 0, 100));
        const most = Math.floor(2 * 50_000 / (p + 1));
        e.submit([{ id: 1, type: 'market', side: 'buy', qty: most * 3 }]);
        e.submit([{ id: 2, type: 'market', side: 'buy', qty: 10 }, { id: 3, type: 'market', side: 'buy', qty: 10 }, { id: 4, type: 'market', side: 'buy', qty: 10 }]);
        e.submit([{ id: 5, type: 'limit', side: 'sell', qty: 20, limit: cents(p + 5) }]);
        e.process(slice(d, 100, 200));
        e.modify({ id: 5, limit: cents(p - 5) }, { id: 77, limit: 1 }, { id: 5, limit: 1.234 });
        e.process(slice(d, 200, 300));
        const ev = e.events();
        expect(of(ev, 1)).to.deep.equal([['rejected', 'INSUFFICIENT_MARGIN']]);
        expect(of(ev, 4)).to.deep.equal([['accepted', 'OK'], ['rejected', 'PYRAMIDING']]);
        expect(of(ev, 5)).to.deep.equal([['accepted', 'OK'], ['modified', 'MODIFIED'], ['rejected', 'OFF_GRID'], ['filled', 'LIMIT_MARKETABLE']]);
        expect(of(ev, 77)).to.deep.equal([['rejected', 'UNKNOWN_ORDER']]);
        const a = e.account();
        expect(a.position).to.equal(0);
        expect(a.usedMargin).to.equal(0);
    });

    it('instrument specs come from the shared symbol properties database', function () {
        if (!hasData('calendars')) {
            this.skip();
        }
        const db = SymbolPropertiesDatabase.load();
        expect(db.spec('SPY', 'usa', 'equity')).to.include({ tickSize: 0.01, lotSize: 1, multiplier: 1, quoteCurrency: 'USD', wildcard: true });
        expect(db.spec('EURUSD', 'oanda')).to.include({ tickSize: 0.00001, lotSize: 1, quoteCurrency: 'USD', securityType: 'forex', wildcard: false });
        expect(db.spec('EURUSD', 'fxcm')).to.include({ lotSize: 1000 });
        expect(db.spec('NOPE', 'nowhere')).to.equal(undefined);
        const spec = db.spec('EURUSD', 'fxcm')!;
        const e = new ExecutionEngine({ timeframes: ['1m'] }, executionOptionsFor(spec));
        e.process({ time: BigInt64Array.from([1n]), price: Float64Array.from([1.3]) });
        e.submit([{ id: 1, type: 'market', side: 'buy', qty: 500 }, { id: 2, type: 'limit', side: 'buy', qty: 1000, limit: 1.299995 }]);
        expect(of(e.events(), 1)).to.deep.equal([['rejected', 'BAD_QTY']]);
        expect(of(e.events(), 2)).to.deep.equal([['rejected', 'OFF_GRID']]);
    });

    spy('SPY trades, hedging: after every event of a long random run with brackets, trails, IOC and partial fills, equity = cash + marked positions, closed P&L - commissions = cash change when flat', () => {
        const d = spyDay();
        const e = new ExecutionEngine({ timeframes: ['1m'] }, {
            wake: true, latencyMicros: 200, hedging: true, participation: 0.3, maxEntries: 4,
            commission: { perUnit: 0.005, minimum: 1 }, slippage: { kind: 'random', maxTicks: 2, seed: 7 },
        });
        e.subscribe({ barClose: ['1m'] });
        let seed = 4242;
        const rnd = (n: number): number => {
            seed = (seed * 1103515245 + 12345) % 2147483648;
            return Math.floor(seed / 65536) % n;
        };
        let id = 1;
        let checks = 0;
        let seen = 0;
        const kinds = new Set<string>();
        e.process(d, i => {
            const a = e.account();
            const ps = e.positions();
            // Trade model: every position is marked at the last applied tick's price.
            const marked = ps.reduce((s, p) => s + (p.side === 'long' ? p.qty : -p.qty) * d.price[Math.max(0, i - 1)], 0);
            expect(a.equity).to.be.closeTo(a.cash + marked, 1e-6);
            expect(a.equity).to.be.closeTo(a.initialCash + a.realised + a.unrealised - a.commission, 1e-6);
            if (ps.length === 0 && a.trades > 0) {
                const net = e.trades().reduce((s, t) => s + t.pnl - t.commission, 0);
                expect(net).to.be.closeTo(a.cash - a.initialCash, 1e-6);
            }
            for (const v of e.events(seen)) {
                kinds.add(v.kind);
            }
            seen = a.events;
            checks++;
            const p = d.price[Math.max(0, i - 1)];
            const side = rnd(2) ? 'buy' : 'sell';
            const off = (1 + rnd(20)) * 0.01;
            const r = rnd(6);
            if (r === 0 && ps.length > 0) {
                const pos = ps[rnd(ps.length)];
                e.submit([{ id: id++, type: 'market', side: pos.side === 'long' ? 'sell' : 'buy', qty: pos.qty, position: pos.id }]);
            } else if (r === 1) {
                const sgn = side === 'buy' ? 1 : -1;
                e.bracket({ entry: { id: id, type: 'market', side, qty: 100 }, takeProfit: { id: id + 1, limit: cents(p + sgn * off) },
                    stopLoss: rnd(2) ? { id: id + 2, stop: cents(p - sgn * off) } : { id: id + 2, trail: off } });
                id += 3;
            } else {
                const types = ['market', 'limit', 'stop', 'mit', 'trailingStop'] as const;
                const tifs = ['GTC', 'IOC', 'FOK', 'DAY'] as const;
                e.submit([{ id: id++, type: types[rnd(5)], side, qty: 100 * (1 + rnd(5)), limit: cents(p - off), stop: cents(p + off), trail: off, tif: tifs[rnd(4)] }]);
            }
            if (rnd(4) === 0) {
                e.modify({ id: 1 + rnd(id), qty: 100 * (1 + rnd(3)) });
            }
        });
        expect(checks).to.be.greaterThan(500);
        expect(e.account().fills).to.be.greaterThan(200);
        expect(e.trades().length).to.be.greaterThan(20);
        for (const k of ['partlyFilled', 'activated', 'modified', 'cancelled', 'expired', 'rejected']) {
            expect(kinds.has(k), k).to.equal(true);
        }
    });
});
