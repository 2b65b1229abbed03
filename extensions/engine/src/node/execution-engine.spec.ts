import { expect } from 'chai';
import { ExecutionEngine } from '@backtestr/engine-core';
import { dataFiles, hasData, readQuoteDay, readTradeDay, TradeTicks, QuoteTicks } from './test-support/lean-data';

function slice<T extends TradeTicks | QuoteTicks>(d: T, from: number, to: number): T {
    const out: Record<string, Float64Array | BigInt64Array> = {};
    for (const [k, v] of Object.entries(d)) {
        out[k] = (v as Float64Array).subarray(from, to);
    }
    return out as unknown as T;
}

describe('ExecutionEngine', () => {

    it('rejects bad orders with a reason and keeps running', () => {
        const e = new ExecutionEngine({ timeframes: ['1m'] });
        e.process({ time: BigInt64Array.from([1n]), price: Float64Array.from([100]) });
        e.submit([
            { id: 1, type: 'market', side: 'buy', qty: 0 },
            { id: 2, type: 'market', side: 'buy', qty: NaN },
            { id: 3, type: 'limit', side: 'buy', qty: 1, limit: 99.995 },
            { id: 4, type: 'market', side: 'buy', qty: 1, instrument: 7 },
            { id: 5, type: 'market', side: 'buy', qty: 1 },
        ]);
        e.cancel(42);
        e.process({ time: BigInt64Array.from([2n]), price: Float64Array.from([101]) });
        expect(e.events().map(v => [v.order, v.kind, v.reason])).to.deep.equal([
            [1, 'rejected', 'BAD_QTY'], [2, 'rejected', 'BAD_QTY'], [3, 'rejected', 'OFF_GRID'],
            [4, 'rejected', 'UNKNOWN_INSTRUMENT'], [5, 'accepted', 'OK'], [42, 'rejected', 'UNKNOWN_ORDER'],
            [5, 'filled', 'MARKET']]);
        expect(e.account()).to.include({ position: 1, cash: 100_000 - 101, equity: 100_000 });
    });

    const spy = hasData('spy-trades-2013-10') ? it : it.skip;
    spy('SPY trades: a stop jumped over by the overnight gap fills at the first price after the gap', () => {
        const days = dataFiles('spy-trades-2013-10').map(readTradeDay);
        // The day boundary with the largest gap.
        let best = 0;
        for (let d = 1; d < days.length; d++) {
            const g = Math.abs(days[d].price[0] - days[d - 1].price[days[d - 1].price.length - 1]);
            const b = Math.abs(days[best + 1]?.price[0] - days[best].price[days[best].price.length - 1]);
            if (d - 1 !== best && g > b) {
                best = d - 1;
            }
        }
        const before = days[best];
        const after = days[best + 1];
        const last = before.price[before.price.length - 1];
        const first = after.price[0];
        expect(Math.abs(first - last), 'a gap of several cents').to.be.greaterThan(0.03);
        const down = first < last;
        const stop = Math.round((down ? last - 0.01 : last + 0.01) * 100) / 100;
        const e = new ExecutionEngine({ timeframes: ['1m'] }, { tickSize: 0.01 });
        e.process(before);
        e.submit([{ id: 1, type: 'stop', side: down ? 'sell' : 'buy', qty: 100, stop }]);
        e.process(after);
        const fill = e.events().find(v => v.kind === 'filled');
        expect(fill).to.include({ order: 1, reason: 'STOP_GAP', price: first, tickIndex: 0 });
        expect(fill?.time).to.equal(after.time[0]);
    });

    const eur = hasData('eurusd-quotes-2014-05') ? it : it.skip;
    eur('EURUSD quotes: a limit touched but not traded through fills under touch only; market orders pay the spread', () => {
        const q = readQuoteDay(dataFiles('eurusd-quotes-2014-05')[0]);
        const half = q.time.length >> 1;
        let minAsk = Infinity;
        for (let i = half; i < q.time.length; i++) {
            minAsk = Math.min(minAsk, q.ask[i]);
        }
        const limit = Math.round(minAsk * 1e5) / 1e5;
        const results: Record<string, unknown[]> = {};
        for (const limitFill of ['touch', 'through'] as const) {
            const e = new ExecutionEngine({ timeframes: ['1m'], priceSource: 'bid' }, { fill: 'quote', tickSize: 0.00001, limitFill });
            e.process(slice(q, 0, half));
            e.submit([{ id: 1, type: 'limit', side: 'buy', qty: 1000, limit }, { id: 2, type: 'market', side: 'sell', qty: 1000 }]);
            e.process(slice(q, half, q.time.length));
            e.cancel(1);
            const ev = e.events();
            const sell = ev.find(v => v.order === 2 && v.kind === 'filled');
            expect(sell?.price).to.equal(q.bid[half]);
            const one = ev.filter(v => v.order === 1).map(v => [v.kind, v.reason, v.kind === 'filled' ? v.price : v.reference]);
            results[limitFill] = one;
        }
        expect(results.touch).to.deep.equal([['accepted', 'OK', NaN], ['filled', 'LIMIT_RESTING', limit], ['rejected', 'ORDER_DONE', NaN]]);
        expect(results.through).to.deep.equal([['accepted', 'OK', NaN], ['cancelled', 'CANCEL_REQUEST', limit]]);
    });

    spy('SPY trades: equity = cash + marked position after every event of a random-order run; closed P&L - commissions = cash change', () => {
        const day = readTradeDay(dataFiles('spy-trades-2013-10')[0]);
        const e = new ExecutionEngine({ timeframes: ['1m'] }, {
            wake: true, latencyMicros: 500, commission: { perUnit: 0.005, minimum: 1 }, slippage: { kind: 'random', maxTicks: 2, seed: 1 },
        });
        e.subscribe({ barClose: ['1m'] });
        let seed = 12345;
        const rnd = (n: number): number => {
            seed = (seed * 1103515245 + 12345) % 2147483648;
            return Math.floor(seed / 65536) % n;
        };
        let id = 1;
        let checks = 0;
        e.process(day, i => {
            const a = e.account();
            const marked = a.position === 0 ? 0 : a.position * a.mark;
            expect(a.equity).to.be.closeTo(a.cash + marked, 1e-6);
            expect(a.equity).to.be.closeTo(a.initialCash + a.realised + a.unrealised - a.commission, 1e-6);
            if (a.position === 0 && a.trades > 0) {
                const tr = e.trades();
                const net = tr.reduce((s, t) => s + t.pnl - t.commission, 0);
                expect(net).to.be.closeTo(a.cash - a.initialCash, 1e-6);
            }
            checks++;
            const p = day.price[Math.max(0, i - 1)];
            const types = ['market', 'limit', 'stop', 'stopLimit', 'mit'] as const;
            const px = Math.round((p + (rnd(41) - 20) * 0.01) * 100) / 100;
            // Random types and prices; leaning against the position so that it often returns to flat.
            const side = a.position > 0 ? 'sell' : a.position < 0 ? 'buy' : rnd(2) ? 'buy' : 'sell';
            e.submit([{ id: id++, type: types[rnd(5)], side, qty: 100 * (1 + rnd(2)), limit: px, stop: px }]);
            if (rnd(3) === 0) {
                e.cancel(1 + rnd(id));
            }
        });
        const a = e.account();
        expect(checks).to.be.greaterThan(500);
        expect(a.fills).to.be.greaterThan(100);
        expect(e.trades().length).to.be.greaterThan(10);
        for (const t of e.trades()) {
            expect(t.mae).to.be.at.most(0);
            expect(t.mfe).to.be.at.least(0);
            expect(t.exitTime >= t.entryTime).to.equal(true);
        }
    });
});
