// *****************************************************************************
// Adversarial checks of what a strategy can reach from its context (issue 17): real strategies
// through the real runner (worker thread) walk everything reachable from `ctx` and try the
// known ways out (engine, state memory, batches, prototypes, constructors, proxies).
// *****************************************************************************

import { expect } from 'chai';
import { TickBatch } from '@backtestr/plugins-sdk';
import { StrategyRunResult } from './strategy-run-protocol';
import { runStrategy } from './strategy-runner';
import { strategyFolder, syntheticTrades } from '../test-support/strategy-specs';

const T0 = 1_381_104_000_000_000n; // 2013-10-07T00:00:00Z
const MINUTE = 60_000_000;

const folder = strategyFolder('backtestr-surface-');
after(() => folder.remove());
const strategyFile = folder.write;

/** Trades every `stepMicros` (0.7 s: few ticks fall on a minute boundary), a wave plus steps, in batches of `batchSize`. */
function ticks(count: number, batchSize: number, stepMicros = 700_000): TickBatch[] {
    return syntheticTrades(T0, count, batchSize, stepMicros, 400);
}

function logged(r: StrategyRunResult, prefix: string): string[] {
    return r.logs.message.filter(m => m.startsWith(prefix)).map(m => m.slice(prefix.length));
}

/**
 * Walks every object reachable from ctx (own properties and symbols, getters' results, prototypes, functions'
 * properties and `constructor`, and the results of the read-only calls mtf(), bar(-1), bars(), snapshot()), stopping
 * at the realm's intrinsics. Logs, per object reached, its path and the keys of its prototype chain below the
 * intrinsics; and every typed array or ArrayBuffer reached.
 */
const WALKER = `
function intrinsics(): Set<unknown> {
    const seen = new Set<unknown>();
    // By name: the sandbox's globals may lack some (typed arrays); what is absent cannot be reached through them either.
    const g = globalThis as any;
    const roots: unknown[] = ['Object', 'Function', 'Array', 'Number', 'String', 'Boolean', 'Symbol', 'Error', 'TypeError', 'RangeError', 'Map', 'Set',
        'WeakMap', 'WeakSet', 'Promise', 'ArrayBuffer', 'Float64Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'DataView', 'Reflect', 'Math',
        'JSON', 'Date', 'RegExp', 'BigInt', 'Proxy'].map(name => g[name]);
    roots.push(Object.getPrototypeOf(function* () { /* */ }), Object.getPrototypeOf([][Symbol.iterator]()));
    if (typeof g.Float64Array === 'function') { roots.push(Object.getPrototypeOf(g.Float64Array)); }
    const stack = [...roots];
    while (stack.length) {
        const o = stack.pop();
        if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) { continue; }
        seen.add(o);
        for (const k of Reflect.ownKeys(o as object)) {
            const d = Reflect.getOwnPropertyDescriptor(o as object, k)!;
            stack.push(d.value, d.get, d.set);
        }
        stack.push(Object.getPrototypeOf(o));
    }
    return seen;
}
const INTRINSIC = intrinsics();
function walk(ctx: any, log: (m: string) => void): void {
    const seen = new Set<unknown>();
    const visit = (o: any, at: string): void => {
        if ((typeof o !== 'object' && typeof o !== 'function') || o === null || INTRINSIC.has(o) || seen.has(o)) { return; }
        seen.add(o);
        // By tag, not instanceof: a buffer of another realm (the host's) is caught too.
        if (/Array\]$|ArrayBuffer|DataView/.test(Object.prototype.toString.call(o)) && !Array.isArray(o)) {
            log('buffer ' + at);
        }
        const keys: string[] = [];
        for (let p = o; p !== null && !INTRINSIC.has(p); p = Object.getPrototypeOf(p)) {
            for (const k of Reflect.ownKeys(p)) {
                const name = String(k);
                if (typeof o === 'function' && (name === 'length' || name === 'name')) { continue; }
                keys.push(name);
                const d = Reflect.getOwnPropertyDescriptor(p, k)!;
                if (d.get) {
                    visit(d.get, at + '.get ' + name);
                    let v: unknown;
                    try { v = d.get.call(o); } catch (e) { v = undefined; }
                    visit(v, at + '.' + name);
                }
                visit(d.value, at + '.' + name);
                visit(d.set, at + '.set ' + name);
            }
            if (p !== o) { visit(p, at + '.__proto__'); }
        }
        log('node ' + at + ' = ' + [...new Set(keys)].sort().join(','));
        visit(Object.getPrototypeOf(o), at + '.__proto__');
        visit(o.constructor, at + '.constructor');
    };
    visit(ctx, 'ctx');
    for (const tf of ['1m', '1H']) {
        const s = ctx.mtf(tf);
        visit(s, 'mtf');
        visit(s.partial, 'partial');
        visit(s.bar(-1), 'bar');
        visit(s.bars(3), 'bars');
        const b = s.bar(-1);
        visit(b && b.snapshot(), 'snapshot');
    }
}
`;

const SURFACE = `import { defineStrategy } from '@backtestr/plugins-sdk';
${WALKER}
let walked = 0;
export default defineStrategy({
    id: 'test.surface', params: {}, subscribe: { barClose: ['1m'] },
    onBarClose(ctx) {
        if (walked++ === 3) {
            walk(ctx, m => ctx.log('walk ' + m));
        }
    }
});
`;

const ATTEMPTS = `import { defineStrategy } from '@backtestr/plugins-sdk';
let done = false;
function attempt(log: (m: string) => void, name: string, f: () => unknown): void {
    try {
        const v = f();
        log(name + ' -> ' + (v === undefined ? 'undefined' : typeof v === 'function' ? 'function ' + (v as Function).name : typeof v));
    } catch (e) {
        log(name + ' -> threw');
    }
}
export default defineStrategy({
    id: 'test.attempts', params: {}, subscribe: { barClose: ['1m'] },
    onBarClose(ctx) {
        if (done) { return; }
        done = true;
        const c: any = ctx;
        const log = (m: string) => ctx.log('try ' + m);
        attempt(log, 'ctx.engine', () => c.engine);
        attempt(log, 'ctx.state', () => c.state);
        attempt(log, 'ctx.recorder', () => c.recorder);
        attempt(log, 'set ctx.engine', () => { c.engine = { setBatch() { /* */ } }; return c.engine; });
        attempt(log, 'ctx.engine.setBatch =', () => { c.engine.setBatch = () => undefined; });
        attempt(log, 'define ctx.x', () => Object.defineProperty(c, 'x', { value: 1 }));
        attempt(log, 'proto of the proto of ctx is Object.prototype', () => Object.getPrototypeOf(Object.getPrototypeOf(c)) === Object.prototype ? undefined : 'other');
        attempt(log, 'ctx.constructor is Object', () => c.constructor === Object ? undefined : 'other');
        attempt(log, 'change a ctx method', () => { Object.getPrototypeOf(c).mtf = () => undefined; });
        attempt(log, 'proto constructor is Object', () => Object.getPrototypeOf(c).constructor === Object ? undefined : 'other');
        attempt(log, 'mtf constructor is Object', () => c.mtf('1m').constructor === Object ? undefined : 'other');
        attempt(log, 'bar constructor is Object', () => c.mtf('1m').bar(-1).constructor === Object ? undefined : 'other');
        attempt(log, 'order desk engine', () => c.order.engine);
        attempt(log, 'mtf state', () => c.mtf('1m').state);
        attempt(log, 'bar f64', () => c.mtf('1m').bar(-1).f64);
        attempt(log, 'change a bar getter', () => { Object.getPrototypeOf(c.mtf('1m').bar(-1)).close = 1; });
        attempt(log, 'ownKeys', () => [...Reflect.ownKeys(c), ...Reflect.ownKeys(Object.getPrototypeOf(c))].map(String).sort().join(',') === 'account,indicator,instrument,log,mtf,order,params,position,record,time' ? undefined : 'other');
        const wrapped = new Proxy(c, { get: (t, k) => Reflect.get(t, k) });
        attempt(log, 'proxy engine', () => wrapped.engine);
        attempt(log, 'proxy time is ctx.time', () => wrapped.time === c.time ? undefined : 'other');
    }
});
`;

/** A fair SMA cross on 1m closes; PEEK adds the exploit: capture the batches through ctx internals and trade ticks ahead. */
const FAIR_BODY = `
        const s = ctx.mtf('1m').bars(10);
        if (s.length < 10) { return; }
        const fast = s.slice(5).reduce((a, b) => a + b.close, 0) / 5;
        const slow = s.reduce((a, b) => a + b.close, 0) / 10;
        const pos = ctx.position.qty;
        if (fast > slow && pos <= 0) { ctx.order.market('buy', 1 - pos); }
        if (fast < slow && pos >= 0) { ctx.order.market('sell', 1 + pos); }
`;
const FAIR = `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'test.fair', params: {}, subscribe: { barClose: ['1m'] },
    onBarClose(ctx) {${FAIR_BODY}} });
`;
const PEEK = `import { defineStrategy } from '@backtestr/plugins-sdk';
let batch: { time: BigInt64Array; price: Float64Array } | undefined;
let hooked = false;
function find(o: any, key: string, depth: number): any {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || depth > 4) { return undefined; }
    for (let p = o; p && p !== Object.prototype && p !== Function.prototype; p = Object.getPrototypeOf(p)) {
        for (const k of Reflect.ownKeys(p)) {
            let v: any;
            try { v = o[k]; } catch (e) { continue; }
            if (k === key) { return o; }
            const r = find(v, key, depth + 1);
            if (r) { return r; }
        }
    }
    return undefined;
}
export default defineStrategy({ id: 'test.peek', params: {}, subscribe: { barClose: ['1m'] },
    onBarClose(ctx) {
        if (!hooked) {
            hooked = true;
            const engine = find(ctx, 'setBatch', 0);
            if (engine) {
                const original = engine.setBatch.bind(engine);
                try { engine.setBatch = (b: any) => { batch = b; original(b); }; } catch (e) { /* frozen */ }
            }
        }
        if (batch) {
            ctx.record('captured', 1);
            const future = batch.price[batch.price.length - 1];
            const now = ctx.mtf('1m').bar(-1)!.close;
            if (future > now && ctx.position.qty <= 0) { ctx.order.market('buy', 1 - ctx.position.qty); }
            if (future < now && ctx.position.qty >= 0) { ctx.order.market('sell', 1 + ctx.position.qty); }
            return;
        }
${FAIR_BODY}} });
`;

const TIME_PROBE = `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'test.close-time', params: {}, subscribe: { barClose: ['1m'] },
    onBarClose(ctx) {
        const b = ctx.mtf('1m').bar(-1)!;
        ctx.record('ctx.time', ctx.time);
        ctx.record('bar.end', b.end);
        ctx.record('bar.lastTick', b.lastTick);
        ctx.order.limit('buy', 1, 1, { tag: 'far' });
        ctx.order.cancelAll();
    },
    onOrderEvent(ctx, e) {
        ctx.record('event.time', e.time);
        ctx.record('event.ctx.time', ctx.time);
    }
});
`;

describe('strategy host: what a strategy reaches from ctx', function (): void {
    this.timeout(120_000);

    it('reaches exactly the documented members, no typed array and no engine memory', async () => {
        const r = await runStrategy({ file: strategyFile('surface.ts', SURFACE), source: ticks(2_000, 500) });
        const walked = logged(r, 'walk ');
        expect(walked.filter(m => m.startsWith('buffer')), 'typed arrays or ArrayBuffers reachable').to.deep.equal([]);
        const nodes = new Map(walked.filter(m => m.startsWith('node ')).map(m => m.slice(5).split(' = ') as [string, string]));
        // Per object reached (named by the first path the walk took to it): the keys along its prototype chain.
        // Functions ('') have only length and name; getters are reached as 'x.get name'.
        const view = 'close,end,high,lastTick,low,open,snapshot,start,ticks,time,toJSON,volume';
        const bar = 'close,high,low,open,ticks,time,volume';
        const orders = 'bracket,cancel,cancelAll,close,limit,market,mit,modify,stop,stopLimit,trailingStop';
        const expected: Record<string, string> = {
            ctx: 'account,indicator,instrument,log,mtf,order,params,position,record,time',
            'ctx.__proto__': 'account,indicator,log,mtf,position,record,time',
            'ctx.params': '', 'ctx.get time': '', 'ctx.mtf': '', 'ctx.log': '', 'ctx.record': '', 'ctx.get position': '', 'ctx.get account': '',
            'ctx.indicator': '',
            'ctx.order': orders,
            'ctx.position': 'avgPrice,qty,unrealised',
            'ctx.account': 'cash,commission,equity,openOrders,realised,unrealised,usedMargin',
            'ctx.instrument': 'lotSize,multiplier,roundToTick,symbol,tickSize', 'ctx.instrument.roundToTick': '',
            mtf: 'bar,bars,completedCount,partial,timeframe', 'mtf.__proto__': 'bar,bars,completedCount,partial',
            'mtf.get partial': '', 'mtf.bar': '', 'mtf.bars': '', 'mtf.get completedCount': '',
            'mtf.partial': view, bar: view, 'bar.__proto__': view,
            bars: 'length', 'bars.0': bar, 'bars.1': bar, 'bars.2': bar, snapshot: bar
        };
        for (const m of orders.split(',')) {
            expected[`ctx.order.${m}`] = '';
        }
        for (const k of view.split(',')) {
            expected[k === 'snapshot' || k === 'toJSON' ? `bar.${k}` : `bar.get ${k}`] = '';
        }
        expect(Object.fromEntries(nodes)).to.deep.equal(expected);
    });

    it('refuses every way out: engine, state, recorder, constructors, redefinition, a Proxy', async () => {
        const r = await runStrategy({ file: strategyFile('attempts.ts', ATTEMPTS), source: ticks(1_000, 1_000) });
        expect(logged(r, 'try ')).to.deep.equal([
            'ctx.engine -> undefined', 'ctx.state -> undefined', 'ctx.recorder -> undefined',
            // Frozen: assignment throws in the strategy's strict-mode module.
            'set ctx.engine -> threw', 'ctx.engine.setBatch = -> threw', 'define ctx.x -> threw',
            'proto of the proto of ctx is Object.prototype -> undefined', 'ctx.constructor is Object -> undefined', 'change a ctx method -> threw',
            'proto constructor is Object -> undefined',
            'mtf constructor is Object -> undefined', 'bar constructor is Object -> undefined',
            'order desk engine -> undefined', 'mtf state -> undefined', 'bar f64 -> undefined',
            'change a bar getter -> threw', 'ownKeys -> undefined', 'proxy engine -> undefined', 'proxy time is ctx.time -> undefined'
        ]);
    });

    it('a strategy hunting the batches through ctx (the issue\'s exploit) gets nothing and trades like the fair one', async () => {
        // Fresh batches per run: a run transfers (detaches) the buffers it is given.
        const fair = await runStrategy({ file: strategyFile('fair.ts', FAIR), source: ticks(20_000, 2_000) });
        const peek = await runStrategy({ file: strategyFile('peek.ts', PEEK), source: ticks(20_000, 2_000) });
        expect(peek.series.captured, 'a batch captured').to.equal(undefined);
        expect(fair.execution.trades.pnl.length).to.be.greaterThan(10);
        expect(Array.from(peek.execution.trades.pnl)).to.deep.equal(Array.from(fair.execution.trades.pnl));
        expect(Array.from(peek.execution.trades.exitTime)).to.deep.equal(Array.from(fair.execution.trades.exitTime));
    });

    it('at a bar close, ctx.time (and the time of the order events there) is the bar\'s period end, not the closing tick\'s time', async () => {
        const times = ticks(3_000, 700).flatMap(b => Array.from(b.time, Number));
        const r = await runStrategy({ file: strategyFile('close-time.ts', TIME_PROBE), source: ticks(3_000, 700) });
        const at = r.series['ctx.time'].value;
        const end = r.series['bar.end'].value;
        const last = r.series['bar.lastTick'].value;
        expect(at.length).to.be.greaterThan(30);
        let before = 0;
        for (let e = 0; e < at.length; e++) {
            expect(at[e], `close ${e}`).to.equal(end[e]);
            expect(end[e] % MINUTE).to.equal(0);
            expect(at[e]).to.be.greaterThan(last[e]);
            const closing = times.find(t => t >= end[e])!;
            expect(at[e]).to.be.at.most(closing);
            if (at[e] < closing) {
                before++;
            }
            // Recorded series and logs are stamped with ctx.time.
            expect(r.series['ctx.time'].time[e]).to.equal(at[e]);
        }
        // Most closing ticks fall after the boundary (0.7 s spacing): the unapplied tick's time is not what ctx.time says.
        expect(before).to.be.greaterThan(at.length * 0.8);
        const eventTimes = r.series['event.time'];
        expect(eventTimes.value.length).to.be.greaterThan(0);
        for (let k = 0; k < eventTimes.value.length; k++) {
            const t = eventTimes.value[k];
            expect(t, 'an order event at a close is stamped no later than ctx.time').to.be.at.most(r.series['event.ctx.time'].value[k]);
            expect(end.includes(t), `event ${k} at a period end`).to.equal(true);
        }
    });
});
