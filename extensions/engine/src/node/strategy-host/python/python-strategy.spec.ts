import { decode, encode } from '@msgpack/msgpack';
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TickBatch } from '@backtestr/plugins-sdk';
import { BarBatch, barTicks } from '@backtestr/engine-core';
import { DATA_DIR, hasData } from '../../test-support/lean-data';
import { StrategyRunOptions, StrategyRunResult } from '../strategy-run-protocol';
import { runStrategy } from '../strategy-runner';
import { rejection } from '../../test-support/strategy-specs';
import { PYTHON_SDK_DIR, pythonInterpreter } from './python-process';

const STRATEGIES = path.resolve(__dirname, '../../../../../../sample-workspace/strategies');
const EURUSD = { symbol: 'EURUSD', tickSize: 0.00001, lotSize: 1, multiplier: 1 };
const FIVE_HOURS_US = 5n * 3_600_000_000n;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-python-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function strategyFile(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
}

/** HistData EURUSD M1 bid bars (times fixed UTC-5), read in place from the shared data. */
function histdataBars(limit = Infinity): BarBatch {
    const folder = path.join(DATA_DIR, 'eurusd-m1-2017h1');
    const lines = fs.readdirSync(folder).filter(f => f.endsWith('.csv')).sort()
        .flatMap(f => fs.readFileSync(path.join(folder, f), 'latin1').split('\n').filter(l => l.trim() !== ''))
        .slice(0, limit);
    const n = lines.length;
    const bars: BarBatch = { time: new BigInt64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
    lines.forEach((line, i) => {
        const [stamp, o, h, l, c] = line.split(';');
        const t = Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(9, 11), +stamp.slice(11, 13), +stamp.slice(13, 15));
        bars.time[i] = BigInt(t) * 1000n + FIVE_HOURS_US;
        bars.open[i] = +o;
        bars.high[i] = +h;
        bars.low[i] = +l;
        bars.close[i] = +c;
    });
    return bars;
}

/** The bars as ticks (each bar's intrabar path), in batches of `perBatch` bars. */
function* barBatches(bars: BarBatch, perBatch = 20_000): Generator<TickBatch> {
    for (let at = 0; at < bars.time.length; at += perBatch) {
        const end = Math.min(bars.time.length, at + perBatch);
        yield barTicks({
            time: bars.time.slice(at, end), open: bars.open.slice(at, end), high: bars.high.slice(at, end), low: bars.low.slice(at, end),
            close: bars.close.slice(at, end)
        });
    }
}

function run(file: string, bars: BarBatch, extra: Partial<StrategyRunOptions> = {}): Promise<StrategyRunResult> {
    return runStrategy({ file, source: barBatches(bars), instrument: EURUSD, execution: { fill: 'bar' }, ...extra });
}

/** Python processes running `file` (their command line names it). */
function pythonProcessesOf(file: string): number[] {
    const pids: number[] = [];
    for (const name of fs.readdirSync('/proc')) {
        if (/^\d+$/.test(name)) {
            try {
                if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(file) && running(Number(name))) {
                    pids.push(Number(name));
                }
            } catch {
                // ended meanwhile
            }
        }
    }
    return pids;
}

/** Whether a process runs (a zombie, exited but not yet reaped by its parent, does not). */
function running(pid: number): boolean {
    try {
        return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
        return false;
    }
}

const realData = hasData('eurusd-m1-2017h1') ? describe : describe.skip;

realData('Python strategies: the Python twin of sma-cross.ts on EURUSD M1 2017 H1', function (): void {
    this.timeout(300_000);

    it('gives exactly the trades and orders of the TypeScript SMA 10/30 cross (186,348 real bars, exact ties)', async () => {
        const bars = histdataBars();
        expect(bars.time.length).to.equal(186_348);
        const ts = await run(path.join(STRATEGIES, 'sma-cross.ts'), bars);
        const py = await run(path.join(STRATEGIES, 'sma_cross.py'), bars);
        expect(py.strategy.params).to.deep.equal(ts.strategy.params);
        expect(py.strategy.paramSpecs).to.deep.equal(ts.strategy.paramSpecs);
        expect(py.barCloses).to.equal(ts.barCloses);
        const t = ts.execution.trades;
        const p = py.execution.trades;
        expect(t.pnl.length).to.be.greaterThan(1000);
        expect(p.pnl.length).to.equal(t.pnl.length);
        for (const column of ['side', 'qty', 'entryTime', 'exitTime', 'entryPrice', 'exitPrice', 'pnl'] as const) {
            expect(Array.from(p[column]), column).to.deep.equal(Array.from(t[column]));
        }
        expect(Array.from(py.execution.orders.time)).to.deep.equal(Array.from(ts.execution.orders.time));
        expect(py.execution.orders.tag).to.deep.equal(ts.execution.orders.tag);
        expect(py.execution.finalEquity).to.equal(ts.execution.finalEquity);
    });

    it('a probe reading mtf partials, bar(-k), bars(n), account, params and placing brackets sees and does the same as its TypeScript twin', async () => {
        const ts = strategyFile('probe.ts', `import { defineStrategy } from '@backtestr/plugins-sdk';
let n = 0;
export default defineStrategy({
    id: 'test.probe', params: { every: { type: 'int', default: 7, min: 1 }, side: { type: 'enum', default: 'buy', values: ['buy', 'sell'] } },
    subscribe: { barClose: ['1m', '15m'] }, timeframes: ['1m', '15m', '1H'],
    onStart(ctx) { n = 0; ctx.log('start ' + ctx.params.every + ' ' + ctx.instrument.symbol); },
    onBarClose(ctx, bar, tf) {
        if (tf === '15m') {
            const h = ctx.mtf('1H').partial;
            ctx.record('h1.partial.close', h ? h.close : -1);
            ctx.record('15m.bars3', ctx.mtf('15m').bars(3).reduce((a, b) => a + b.high, 0));
            ctx.record('15m.count', ctx.mtf('15m').completedCount);
            return;
        }
        n++;
        ctx.record('close', bar.close);
        ctx.record('prev', ctx.mtf('1m').bar(-2)?.close ?? -1);
        ctx.record('equity', ctx.account.equity);
        ctx.record('pos', ctx.position.qty);
        if (n % ctx.params.every === 0 && ctx.position.qty === 0 && ctx.account.openOrders === 0) {
            const up = ctx.params.side === 'buy' ? 1 : -1;
            const ids = ctx.order.bracket(ctx.params.side, 2, { takeProfit: ctx.instrument.roundToTick(bar.close + up * 0.0004),
                stopLoss: ctx.instrument.roundToTick(bar.close - up * 0.0003) }, { tag: 'probe ' + n });
            ctx.record('ids', ids.entry * 100 + (ids.takeProfit ?? 0) * 10 + (ids.stopLoss ?? 0));
        }
    },
    onFill(ctx, fill) { ctx.record('fill', fill.price); ctx.log('fill ' + fill.order + ' ' + fill.reason + ' ' + fill.tag); },
    onStop(ctx) { ctx.log('stop ' + n); }
});
`);
        const py = strategyFile('probe.py', `from backtestr import Enum, Int, define_strategy

state = {'n': 0}

def on_start(ctx):
    state['n'] = 0
    print('start', ctx.params.every, ctx.instrument.symbol)

def on_bar_close(ctx, bar, tf):
    if tf == '15m':
        h = ctx.mtf('1H').partial
        ctx.record('h1.partial.close', h.close if h else -1)
        ctx.record('15m.bars3', sum(b.high for b in ctx.mtf('15m').bars(3)))
        ctx.record('15m.count', ctx.mtf('15m').completed_count)
        return
    state['n'] += 1
    n = state['n']
    ctx.record('close', bar.close)
    prev = ctx.mtf('1m').bar(-2)
    ctx.record('prev', prev.close if prev else -1)
    ctx.record('equity', ctx.account.equity)
    ctx.record('pos', ctx.position.qty)
    if n % ctx.params.every == 0 and ctx.position.qty == 0 and ctx.account.open_orders == 0:
        up = 1 if ctx.params.side == 'buy' else -1
        ids = ctx.order.bracket(ctx.params.side, 2, take_profit=ctx.instrument.round_to_tick(bar.close + up * 0.0004),
                                stop_loss=ctx.instrument.round_to_tick(bar.close - up * 0.0003), tag=f'probe {n}')
        ctx.record('ids', ids.entry * 100 + (ids.take_profit or 0) * 10 + (ids.stop_loss or 0))

def on_fill(ctx, fill):
    ctx.record('fill', fill.price)
    ctx.log(f'fill {fill.order} {fill.reason} {fill.tag}')

def on_stop(ctx):
    ctx.log(f"stop {state['n']}")

strategy = define_strategy(
    id='test.probe', params={'every': Int(7, min=1), 'side': Enum('buy', ['buy', 'sell'])},
    subscribe={'bar_close': ['1m', '15m']}, timeframes=['1m', '15m', '1H'],
    on_start=on_start, on_bar_close=on_bar_close, on_fill=on_fill, on_stop=on_stop)
`);
        const bars = histdataBars(6000);
        for (const params of [{}, { every: '5', side: 'sell' }] as Record<string, string>[]) {
            const a = await run(ts, bars, { params });
            const b = await run(py, bars, { params });
            expect(Object.keys(b.series).sort()).to.deep.equal(Object.keys(a.series).sort());
            expect(a.series.fill.value.length, 'fills').to.be.greaterThan(20);
            for (const [name, s] of Object.entries(a.series)) {
                expect(Array.from(b.series[name].time), `${name} time`).to.deep.equal(Array.from(s.time));
                // (-0 and 0 are one number to both languages; MessagePack sends an integral -0 as 0)
                expect(Array.from(b.series[name].value, v => v + 0), `${name} value`).to.deep.equal(Array.from(s.value, v => v + 0));
            }
            // print() goes to the run's log like ctx.log
            expect(b.logs.message).to.deep.equal(a.logs.message);
            expect(b.logs.message[0]).to.equal(`start ${params.every ?? 7} EURUSD`);
            expect(b.execution.orders.tag).to.deep.equal(a.execution.orders.tag);
            expect(Array.from(b.execution.events.price)).to.deep.equal(Array.from(a.execution.events.price));
        }
    });
});

realData('Python strategies: tick hooks and every order type', function (): void {
    this.timeout(120_000);

    it('a tick strategy using stop, stop-limit, MIT, trailing stops, modify, cancel and cancel-all does exactly what its TypeScript twin does', async () => {
        const ts = strategyFile('orders.ts', `import { defineStrategy } from '@backtestr/plugins-sdk';
let n = 0;
export default defineStrategy({
    id: 'test.orders', params: {}, subscribe: { tick: true }, timeframes: ['1m', '5m'],
    onStart() { n = 0; },
    onTick(ctx) {
        n++;
        const p = ctx.mtf('1m').partial!;
        const r = (x: number) => ctx.instrument.roundToTick(x);
        if (n % 97 === 0) { ctx.record('t', ctx.time); ctx.record('p', p.close); ctx.record('pos', ctx.position.qty + 0); }
        const k = n % 400;
        if (k === 1) { ctx.order.stop('buy', 1, r(p.high + 0.0002), { tag: 'stop' }); }
        if (k === 50) { ctx.order.stopLimit('sell', 1, r(p.low - 0.0002), r(p.low - 0.0003), { tag: 'stop-limit', tif: 'DAY' }); }
        if (k === 100) { const id = ctx.order.mit('buy', 2, r(p.low - 0.0001), { tag: 'mit' }); ctx.order.modify(id, { stop: r(p.low - 0.0002), qty: 3 }); }
        if (k === 150) { ctx.order.trailingStop('sell', 1, { distance: 0.0005 }, { tag: 'trail' }); ctx.order.trailingStop('sell', 1, { percent: 0.1 }); }
        if (k === 200) { const id = ctx.order.limit('buy', 1, r(p.close - 0.001), { tag: 'cancelled' }); ctx.order.cancel(id); }
        if (k === 300) { ctx.order.cancelAll(); ctx.order.close({ tag: 'flat' }); }
    },
    onOrderEvent(ctx, ev) { ctx.log(ev.order + ' ' + ev.kind + ' ' + ev.reason); }
});
`);
        const py = strategyFile('orders.py', `from backtestr import Strategy

class Orders(Strategy):
    id = 'test.orders'
    subscribe = {'tick': True}
    timeframes = ['1m', '5m']

    def on_start(self, ctx):
        self.n = 0

    def on_tick(self, ctx):
        self.n += 1
        n = self.n
        p = ctx.mtf('1m').partial
        r = ctx.instrument.round_to_tick
        if n % 97 == 0:
            ctx.record('t', ctx.time)
            ctx.record('p', p.close)
            ctx.record('pos', ctx.position.qty)
        k = n % 400
        if k == 1:
            ctx.order.stop('buy', 1, r(p.high + 0.0002), tag='stop')
        if k == 50:
            ctx.order.stop_limit('sell', 1, r(p.low - 0.0002), r(p.low - 0.0003), tag='stop-limit', tif='DAY')
        if k == 100:
            i = ctx.order.mit('buy', 2, r(p.low - 0.0001), tag='mit')
            ctx.order.modify(i, stop=r(p.low - 0.0002), qty=3)
        if k == 150:
            ctx.order.trailing_stop('sell', 1, distance=0.0005, tag='trail')
            ctx.order.trailing_stop('sell', 1, percent=0.1)
        if k == 200:
            i = ctx.order.limit('buy', 1, r(p.close - 0.001), tag='cancelled')
            ctx.order.cancel(i)
        if k == 300:
            ctx.order.cancel_all()
            ctx.order.close(tag='flat')

    def on_order_event(self, ctx, ev):
        ctx.log(f'{ev.order} {ev.kind} {ev.reason}')
`);
        const bars = histdataBars(4000);
        const a = await run(ts, bars);
        const b = await run(py, bars);
        expect(a.tickWakeups).to.be.greaterThan(15_000);
        expect(b.tickWakeups).to.equal(a.tickWakeups);
        for (const name of ['t', 'p', 'pos']) {
            expect(Array.from(b.series[name].value, v => v + 0), name).to.deep.equal(Array.from(a.series[name].value, v => v + 0));
        }
        const kinds = new Set(a.execution.events.kind);
        for (const kind of ['accepted', 'filled', 'cancelled', 'modified', 'triggered']) {
            expect(kinds.has(kind as never), kind).to.equal(true);
        }
        expect(b.logs.message).to.deep.equal(a.logs.message);
        expect(b.execution.orders.type).to.deep.equal(a.execution.orders.type);
        expect(b.execution.orders.tif).to.deep.equal(a.execution.orders.tif);
        expect(b.execution.orders.tag).to.deep.equal(a.execution.orders.tag);
        expect(Array.from(b.execution.events.price)).to.deep.equal(Array.from(a.execution.events.price));
        expect(Array.from(b.execution.trades.pnl)).to.deep.equal(Array.from(a.execution.trades.pnl));
    });
});

describe('Python strategies: errors', function (): void {
    this.timeout(120_000);
    const bars = (): BarBatch => {
        const n = 3000;
        const b: BarBatch = { time: new BigInt64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
        for (let i = 0; i < n; i++) {
            b.time[i] = 1_483_322_400_000_000n + BigInt(i) * 60_000_000n;
            const c = Math.round((1.05 + 0.002 * Math.sin(i / 50)) * 1e5) / 1e5;
            b.open[i] = c; b.high[i] = Math.round((c + 0.0002) * 1e5) / 1e5; b.low[i] = Math.round((c - 0.0002) * 1e5) / 1e5; b.close[i] = c;
        }
        return b;
    };

    it('a hook that raises fails the run with the Python traceback, naming the file and line', async () => {
        const file = strategyFile('boom.py', `from backtestr import define_strategy

def helper(x):
    return 1 / x

def on_bar_close(ctx, bar, tf):
    if bar.time >= 1483322400000000 + 100 * 60000000:
        helper(0)

strategy = define_strategy(id='test.boom', subscribe={'bar_close': ['1m']}, on_bar_close=on_bar_close)
`);
        const error = await rejection(run(file, bars()));
        expect(error.kind).to.equal('strategy');
        expect(error.message).to.match(/^Strategy 'test\.boom' raised in on_bar_close at .*boom\.py:4 \(strategy time 2017-01-02T03:41:00\.000Z\): ZeroDivisionError: division by zero$/);
        expect(error.strategyStack).to.include(`File "${file}", line 8, in on_bar_close`);
        expect(error.strategyStack).to.include(`File "${file}", line 4, in helper\n    return 1 / x`);
        expect(error.strategyStack).to.not.include('_host.py');
    });

    it('a module that does not load reports its file and line; a missing interpreter names the setting', async () => {
        const bad = strategyFile('syntax.py', 'from backtestr import define_strategy\n\ndef on_bar_close(ctx, bar, tf)\n    pass\n');
        const error = await rejection(run(bad, bars()));
        expect(error.kind).to.equal('load');
        expect(error.message).to.match(/syntax\.py raised while loading at .*syntax\.py:3: SyntaxError/);
        const none = strategyFile('none.py', 'x = 1\n');
        expect((await rejection(run(none, bars()))).message).to.include('none.py must define one strategy');
        const invalid = strategyFile('invalid.py', `from backtestr import Int, define_strategy\nstrategy = define_strategy(id='x', params={'n': Int(1, min=2)}, subscribe={'tick': True})\n`);
        expect((await rejection(run(invalid, bars()))).message).to.include("parameter 'n' default 1 is outside [2, inf]");
        const saved = process.env.BACKTESTR_PYTHON;
        process.env.BACKTESTR_PYTHON = path.join(dir, 'no-such-python3');
        try {
            const missing = await rejection(run(path.join(STRATEGIES, 'sma_cross.py'), bars()));
            expect(missing.kind).to.equal('load');
            expect(missing.message).to.include(`the Python interpreter '${path.join(dir, 'no-such-python3')}' was not found`);
            expect(missing.message).to.include("preference 'backtestr.python'");
        } finally {
            if (saved === undefined) {
                delete process.env.BACKTESTR_PYTHON;
            } else {
                process.env.BACKTESTR_PYTHON = saved;
            }
        }
    });

    it('a hook that allocates without bound is stopped at the run\'s memory budget, and the next run works', async () => {
        const file = strategyFile('hog.py', `from backtestr import define_strategy

keep = []

def on_bar_close(ctx, bar, tf):
    if bar.time >= 1483322400000000 + 20 * 60000000:
        while True:
            keep.append(bytearray(16 * 1024 * 1024))

strategy = define_strategy(id='test.hog', subscribe={'bar_close': ['1m']}, on_bar_close=on_bar_close)
`);
        const error = await rejection(run(file, bars(), { memoryBudgetMiB: 256 }));
        expect(error.kind, error.message).to.equal('memory');
        expect(error.message).to.match(/^Strategy 'test\.hog' was stopped in on_bar_close at .*hog\.py:8 .*memory budget of 256 MiB/);
        expect(error.message).to.include('backtestr.run.memoryBudget');
        const again = await run(path.join(STRATEGIES, 'sma_cross.py'), bars(), { memoryBudgetMiB: 256 });
        expect(again.execution.orders.id.length).to.be.greaterThan(0);
    });

    it('a hook that loops forever is stopped by the stall timeout and its Python process is gone', async () => {
        const file = strategyFile('loop.py', `from backtestr import define_strategy

def on_bar_close(ctx, bar, tf):
    if bar.time >= 1483322400000000 + 50 * 60000000:
        while True:
            pass

strategy = define_strategy(id='test.loop', subscribe={'bar_close': ['1m']}, on_bar_close=on_bar_close)
`);
        // The child may write nowhere the test can read (its temp folder only): its pid is found by its command line while the run lasts.
        const seen = new Set<number>();
        let done = false;
        const watch = (async () => {
            while (!done) {
                pythonProcessesOf(file).forEach(pid => seen.add(pid));
                await new Promise(r => setTimeout(r, 50));
            }
        })();
        // Long enough for Python to start on a busy machine (the limit covers loading too).
        const error = await rejection(run(file, bars(), { stallTimeoutMs: 5000 }).finally(() => done = true));
        await watch;
        expect(error.kind).to.equal('timeout');
        expect(error.message).to.include("Strategy 'test.loop' was terminated: onBarClose did not return at strategy time 2017-01-02T02:51:00.000Z");
        expect(seen.size).to.be.greaterThan(0);
        const alive = (): number[] => [...seen].filter(running);
        for (let i = 0; i < 200 && alive().length > 0; i++) {
            await new Promise(r => setTimeout(r, 25));
        }
        expect(alive(), 'python still running').to.deep.equal([]);
    });

    it('bad orders from Python are rejected with a reason, which the strategy hears in on_order_event', async () => {
        const file = strategyFile('bad-orders.py', `from backtestr import define_strategy

def on_bar_close(ctx, bar, tf):
    if bar.time == 1483322400000000 + 10 * 60000000:
        ids = [ctx.order.market('buy', -1, tag='negative'), ctx.order.market('hold', 1, tag='no side'),
               ctx.order.limit('buy', 1, bar.close + 0.000004, tag='off grid'), ctx.order.market('buy', 'many', tag='not a number'),
               ctx.order.limit('sell', 1, 'high', tag='price not a number'), ctx.order.market('buy', 1, tag='good')]
        ctx.record('ids', sum(ids))

def on_order_event(ctx, ev):
    if ev.kind == 'rejected':
        ctx.log(f'{ev.order} {ev.tag} {ev.reason}')

strategy = define_strategy(id='test.bad-orders', subscribe={'bar_close': ['1m']}, on_bar_close=on_bar_close, on_order_event=on_order_event)
`);
        const result = await run(file, bars());
        expect(Array.from(result.series.ids.value)).to.deep.equal([21]);
        expect(result.logs.message.slice(0, 5)).to.deep.equal(['1 negative BAD_QTY', '2 no side BAD_SIDE', '3 off grid OFF_GRID', '4 not a number BAD_QTY',
            '5 price not a number BAD_PRICE']);
        const events = result.execution.events;
        const filled = events.kind.map((k, i) => [k, events.order[i]]).filter(([k]) => k === 'filled');
        expect(filled).to.deep.equal([['filled', 6]]);
    });
});

describe('Python strategies: the bundled MessagePack codec (for interpreters without python3-msgpack)', () => {
    it('decodes what @msgpack/msgpack encodes and encodes what it decodes back to the same values', () => {
        const values = [null, true, false, 0, 1, 127, 128, 255, 65_535, 65_536, 2 ** 32, 1_483_322_400_000_000, -1, -32, -33, -129, -40_000, -(2 ** 40),
            1.05123, -0.5, NaN, Infinity, '', 'é'.repeat(40), 'x'.repeat(300), 'y'.repeat(70_000), new Uint8Array([1, 2, 3]), new Uint8Array(300),
            Array.from({ length: 20 }, (_, i) => i), { e: 'bar', pre: { 'p:1H': [1, 2.5] } }, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]))];
        const input = Buffer.from(encode(values)).toString('base64');
        const script = 'import base64, sys\nfrom backtestr import _msgpack\n' +
            'v = _msgpack.unpackb(base64.b64decode(sys.stdin.read()))\nsys.stdout.write(base64.b64encode(_msgpack.packb(v)).decode())';
        const out = execFileSync(pythonInterpreter(), ['-B', '-c', script], { input, env: { ...process.env, PYTHONPATH: PYTHON_SDK_DIR }, encoding: 'utf8' });
        const back = decode(Buffer.from(out, 'base64')) as unknown[];
        expect(back.length).to.equal(values.length);
        values.forEach((v, i) => {
            if (v instanceof Uint8Array) {
                expect(Array.from(back[i] as Uint8Array), `value ${i}`).to.deep.equal(Array.from(v));
            } else if (typeof v === 'number' && Number.isNaN(v)) {
                expect(back[i], `value ${i}`).to.be.NaN;
            } else {
                expect(back[i], `value ${i}`).to.deep.equal(v);
            }
        });
    });
});
