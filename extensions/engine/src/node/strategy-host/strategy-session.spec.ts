import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXEC_LAYOUT, MTF_LAYOUT, MtfEngine, TickBatch } from '@backtestr/engine-core';
import { loadStrategy } from './strategy-loader';
import { StrategySession } from './strategy-session';

const T0 = 1_381_104_000_000_000n; // 2013-10-07T00:00:00Z

/** Orders at some 1m closes and every so many ticks; reads the position and the account at every wake-up. */
const TRADER = `import { defineStrategy } from '@backtestr/plugins-sdk';
let closes = 0;
let ticks = 0;
export default defineStrategy({
    id: 'test.account-reader',
    params: {},
    subscribe: { barClose: ['1m'], tick: true },
    onStart() { closes = 0; ticks = 0; },
    onBarClose(ctx) {
        closes++;
        const qty = ctx.position.qty;
        if (closes % 3 === 0) {
            ctx.order.market(qty > 0 ? 'sell' : 'buy', qty > 0 ? qty : 2);
        } else if (closes % 5 === 0) {
            ctx.order.limit('buy', 1, Math.round((ctx.mtf('1m').bar(-1)!.close - 0.05) * 100) / 100);
        } else if (closes % 7 === 0) {
            ctx.order.cancelAll();
        }
        ctx.record('equity', ctx.account.equity);
    },
    onTick(ctx) {
        ticks++;
        if (ticks % 997 === 0) {
            ctx.order.market('buy', 1);
        }
        ctx.record('open', ctx.account.openOrders + ctx.position.qty);
    }
});
`;

/** The session with a probe: at every stop, before and after the hooks, the context's account equals a native read. */
class ProbedSession extends StrategySession {
    checks = 0;
    fromBlock = 0;

    protected override dispatch(flags: number): void {
        this.probe();
        super.dispatch(flags);
        this.probe();
    }

    protected probe(): void {
        const slots = Array.from(this.ctx.accountSlots());
        const native = this.engine.account();
        const X = EXEC_LAYOUT;
        expect([slots[X.A_CASH], slots[X.A_EQUITY], slots[X.A_POSITION], slots[X.A_REALISED], slots[X.A_UNREALISED], slots[X.A_COMMISSION],
            slots[X.A_OPEN_ORDERS], slots[X.A_EVENTS], slots[X.A_TRADES], slots[X.A_USED_MARGIN]]).to.deep.equal(
            [native.cash, native.equity, native.position, native.realised, native.unrealised, native.commission,
                native.openOrders, native.events, native.trades, native.usedMargin]);
        this.checks++;
        const f = this.engine.f64;
        this.fromBlock += f[MTF_LAYOUT.H_ACCOUNT_STOP] === f[MTF_LAYOUT.H_STOPS] ? 1 : 0;
    }
}

describe('strategy session: the account in the state memory', () => {
    it('reads the same account as the native call at every stop, from the state memory at bar closes and after orders', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-session-'));
        try {
            const file = path.join(dir, 'trader.ts');
            fs.writeFileSync(file, TRADER);
            const session = new ProbedSession(loadStrategy(file), {}, { instrument: { symbol: 'T', tickSize: 0.01, lotSize: 1, multiplier: 1 } });
            session.start();
            const n = 60_000;
            const time = new BigInt64Array(n);
            const price = new Float64Array(n);
            for (let k = 0; k < n; k++) {
                time[k] = T0 + BigInt(k) * 250_000n;
                price[k] = Math.round((100 + 3 * Math.sin(k / 3000) + (k % 7) * 0.01) * 100) / 100;
            }
            for (let at = 0; at < n; at += 20_000) {
                session.processBatch({ time: time.slice(at, at + 20_000), price: price.slice(at, at + 20_000) });
            }
            const { result } = session.stop();
            expect(result.barCloses).to.be.greaterThan(200);
            expect(result.execution.trades.pnl.length).to.be.greaterThan(20);
            // Every tick and bar close probed twice; the block served the bar closes and the reads after orders.
            expect(session.checks).to.be.greaterThan(2 * n);
            expect(session.fromBlock).to.be.greaterThan(2 * result.barCloses);
            expect(session.fromBlock).to.be.lessThan(session.checks / 2);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe('engine batches under dense wake-ups (the native copy of the batch)', () => {
    const n = 20_000;
    const batch = (): TickBatch => {
        const time = new BigInt64Array(n);
        const price = new Float64Array(n);
        const size = new Float64Array(n);
        for (let k = 0; k < n; k++) {
            time[k] = T0 + BigInt(k) * 250_000n;
            price[k] = 100 + (k % 17) * 0.01;
            size[k] = 1 + (k % 3);
        }
        return { time, price, size };
    };
    const detach = (b: TickBatch): void => {
        for (const c of [b.time, b.price, b.size]) {
            structuredClone(c!.buffer, { transfer: [c!.buffer as ArrayBuffer] });
        }
    };

    it('keeps running an every-tick batch after its columns are transferred, with the state of an undisturbed run', () => {
        const a = new MtfEngine({ timeframes: ['1m', '5m', '1H'] });
        const b = new MtfEngine({ timeframes: ['1m', '5m', '1H'] });
        a.subscribe({ everyTick: true });
        b.subscribe({ everyTick: true });
        const moved = batch();
        a.setBatch(moved);
        b.setBatch(batch());
        let i = 0;
        let j = 0;
        let stops = 0;
        while (i < n) {
            i = a.run(i);
            j = b.run(j);
            expect(i).to.equal(j);
            if (++stops === 100) {
                // Dense wake-ups: the engine works on its own copy by now, so the JS buffers may go.
                detach(moved);
                expect(moved.time.length).to.equal(0);
            }
        }
        expect(stops).to.equal(n);
        expect(Array.from(a.f64.subarray(0, 200))).to.deep.equal(Array.from(b.f64.subarray(0, 200)));
        expect(a.history('5m')).to.deep.equal(b.history('5m'));
        expect(a.partial('1H')).to.deep.equal(b.partial('1H'));
    });

    it('still refuses a sparse-wake-up batch whose column was transferred', () => {
        const e = new MtfEngine({ timeframes: ['1m'] });
        e.subscribe({ barClose: ['1m'] });
        const b = batch();
        e.setBatch(b);
        let i = 0;
        for (let stop = 0; stop < 40; stop++) {
            i = e.run(i);
        }
        detach(b);
        expect(() => e.run(i)).to.throw(/detached/);
    });
});

/** Every order event kind, each logged by onOrderEvent with the time the strategy got it (ctx.time) and the event's own. */
const EVENT_WATCHER = `import { defineStrategy } from '@backtestr/plugins-sdk';
let closes = 0;
let far = 0;
let stopLimit = 0;
export default defineStrategy({
    id: 'test.event-watcher',
    params: {},
    subscribe: { barClose: ['1m'] },
    onStart() { closes = 0; },
    onBarClose(ctx) {
        closes++;
        if (closes === 2) {
            far = ctx.order.limit('buy', 1, 90, { tag: 'far' });
            ctx.order.limit('buy', 0, 90, { tag: 'bad' });
            stopLimit = ctx.order.stopLimit('buy', 1, 100.1, 100.05);
        } else if (closes === 3) {
            ctx.order.modify(far, { limit: 90.5 });
        } else if (closes === 4) {
            ctx.order.market('sell', 1);
            ctx.order.cancel(ctx.order.limit('sell', 1, 200));
        }
    },
    onOrderEvent(ctx, e) {
        ctx.log(JSON.stringify({ kind: e.kind, order: e.order, tag: e.tag, time: e.time, at: ctx.time }));
        if (e.kind === 'accepted' && e.tag === 'far') {
            // A reaction: its events happen now and reach the strategy in this stop.
            ctx.order.limit('buy', 1, 80, { tag: 'reaction' });
        }
    }
});
`;

interface Delivered { kind: string; order: number; tag: string; time: number; at: number }

describe('strategy session: order events reach the strategy at their own time', () => {
    for (const latencyMicros of [0, 2_000_000]) {
        it(`delivers accepted, rejected, modified, cancelled, triggered and filled when they happen, never with a later fill (latency ${latencyMicros} µs)`, () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-events-'));
            try {
                const file = path.join(dir, 'watcher.ts');
                fs.writeFileSync(file, EVENT_WATCHER);
                const session = new StrategySession(loadStrategy(file), {}, {
                    instrument: { symbol: 'T', tickSize: 0.01, lotSize: 1, multiplier: 1 }, execution: { latencyMicros }
                });
                session.start();
                // Four hours of ticks at 100.00 .. 100.16; the last hour falls to 90 (the far limit fills then).
                const n = 57_600;
                const time = new BigInt64Array(n);
                const price = new Float64Array(n);
                for (let k = 0; k < n; k++) {
                    time[k] = T0 + BigInt(k) * 250_000n;
                    price[k] = k < 3 * 14_400 ? Math.round((100 + (k % 17) * 0.01) * 100) / 100 : 90;
                }
                for (let at = 0; at < n; at += 10_000) {
                    session.processBatch({ time: time.slice(at, at + 10_000), price: price.slice(at, at + 10_000) });
                }
                const { result } = session.stop();
                const delivered = result.logs.message.map(m => JSON.parse(m) as Delivered);
                // Each delivery at the event's time: ctx.time then is the event's stamp, and the log line is stored at it.
                delivered.forEach((d, i) => {
                    expect(d.at, `${d.kind} of order ${d.order}`).to.equal(d.time);
                    expect(result.logs.time[i], `${d.kind} of order ${d.order}`).to.equal(d.time);
                });
                const kinds = new Set(delivered.map(d => d.kind));
                expect([...kinds].sort()).to.deep.equal(['accepted', 'cancelled', 'filled', 'modified', 'rejected', 'triggered']);
                // Every stored event delivered once, in the stored order.
                const stored = result.execution.events;
                expect(delivered.map(d => [d.kind, d.order, d.time])).to.deep.equal(
                    stored.kind.map((k, i) => [k, stored.order[i], stored.time[i]]));
                const far = delivered.filter(d => d.tag === 'far');
                const accepted = far.find(d => d.kind === 'accepted')!;
                const filled = far.find(d => d.kind === 'filled')!;
                expect(accepted.at).to.equal(Number(time[2 * 240]));
                expect(filled.at - accepted.at).to.be.greaterThan(2 * 3600e6);
                // The reaction's own acceptance came in the same stop.
                expect(delivered.find(d => d.tag === 'reaction' && d.kind === 'accepted')!.at).to.equal(accepted.at);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    }
});
