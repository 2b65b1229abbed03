import { expect } from 'chai';
import { TickBatch } from '@backtestr/plugins-sdk';
import { MtfEngine } from '@backtestr/engine-core';
import { hasData, spyTrades } from '../test-support/lean-data';
import { StrategyRunResult } from './strategy-run-protocol';
import { runStrategy } from './strategy-runner';
import { rejection, strategyFolder, syntheticTrades } from '../test-support/strategy-specs';

const MINUTE = 60_000_000;
const HOUR = 60 * MINUTE;
const T0 = 1_381_104_000_000_000n; // 2013-10-07T00:00:00Z

const folder = strategyFolder('backtestr-strategies-');
after(() => folder.remove());
const strategyFile = folder.write;

/** Deterministic synthetic trades: one every `stepMicros`, a wave plus steps, integer sizes; in batches. */
function syntheticTicks(count: number, batchSize: number, stepMicros = 250_000): TickBatch[] {
    return syntheticTrades(T0, count, batchSize, stepMicros, 5000);
}

const RECORDER = `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({
    id: 'test.recorder',
    params: { every: { type: 'int', default: 1, min: 1 } },
    subscribe: { barClose: ['1m', '1H'] },
    onBarClose(ctx, bar, tf) {
        if (tf === '1m') {
            ctx.record('close', bar.close);
            ctx.record('h1.high', ctx.mtf('1H').partial?.high ?? NaN);
        } else {
            ctx.log('hour ' + bar.close);
        }
    }
});
`;

describe('strategy host: runs in a worker', function (): void {
    this.timeout(120_000);

    it('wakes the strategy at every 1m and 1H close, records columns, reports ticks and throughput', async () => {
        const file = strategyFile('recorder.ts', RECORDER);
        const batches = syntheticTicks(200_000, 30_000);
        const reference = new MtfEngine({ timeframes: ['1m', '5m', '15m', '1H', '4H', '1D'] });
        for (const b of batches) {
            reference.process(b);
        }
        const progress: number[] = [];
        const result = await runStrategy({ file, source: batches, onProgress: p => progress.push(p.ticks) });
        expect(result.ticks).to.equal(200_000);
        expect(result.batches).to.equal(7);
        expect(progress[progress.length - 1]).to.equal(200_000);
        // Without a flush the last bars stay partial: closes = what the engine completed.
        expect(result.barClosesByTimeframe).to.deep.equal({ '1m': reference.completedCount(0), '1H': reference.completedCount(3) });
        expect(result.series.close.value.length).to.equal(reference.completedCount(0));
        expect(result.logs.message.length).to.equal(reference.completedCount(3));
        expect(result.strategy.id).to.equal('test.recorder');
        expect(result.strategy.sourceHash).to.match(/^[0-9a-f]{64}$/);
        expect(result.ticksPerSecond).to.be.greaterThan(0);
        // Zero copy: the source's buffers were transferred to the worker.
        expect(batches[0].time.byteLength).to.equal(0);
    });

    it('gives identical recorded series and logs for two runs of the same inputs', async () => {
        const file = strategyFile('recorder.ts', RECORDER);
        const a = await runStrategy({ file, source: syntheticTicks(150_000, 40_000) });
        const b = await runStrategy({ file, source: syntheticTicks(150_000, 17_000) });
        const columns = (r: StrategyRunResult): unknown => ({
            series: Object.fromEntries(Object.entries(r.series).map(([k, s]) => [k, [Array.from(s.time), Array.from(s.value)]])),
            logs: [Array.from(r.logs.time), r.logs.message]
        });
        expect(columns(a)).to.deep.equal(columns(b));
        expect(a.series.close.value.length).to.be.greaterThan(500);
    });

    it('names the parameter of a bad --param value', async () => {
        const file = strategyFile('recorder.ts', RECORDER);
        const error = await rejection(runStrategy({ file, params: { every: '0' }, source: syntheticTicks(10, 10) }));
        expect(error.kind).to.equal('params');
        expect(error.message).to.match(/'every' = 0 is outside/);
    });
});

describe('strategy host: faulty strategies', function (): void {
    this.timeout(120_000);

    it('reports a strategy that throws with the stack source-mapped to the user file and line', async () => {
        const file = strategyFile('thrower.ts', [
            `import { defineStrategy } from '@backtestr/plugins-sdk';`,
            `interface Counter { n: number }`,
            `const c: Counter = { n: 0 };`,
            `export default defineStrategy({`,
            `    id: 'test.thrower', params: {}, subscribe: { barClose: ['1m'] },`,
            `    onBarClose(ctx) {`,
            `        c.n++;`,
            `        if (c.n === 3) {`,
            `            throw new Error('no more bars for me');`,
            `        }`,
            `    }`,
            `});`
        ].join('\n'));
        const error = await rejection(runStrategy({ file, source: syntheticTicks(10_000, 5_000) }));
        expect(error.kind).to.equal('strategy');
        expect(error.message).to.contain(`Strategy 'test.thrower' threw in onBarClose at ${file}:9:19`);
        expect(error.message).to.contain('no more bars for me');
        expect(error.message).to.contain('strategy time 2013-10-07T00:03:00');
        expect(error.strategyStack).to.contain(`${file}:9:19`);
    });

    it('terminates a strategy stuck in an infinite loop, and the next run works', async () => {
        const file = strategyFile('looper.ts', `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({
    id: 'test.looper', params: {}, subscribe: { barClose: ['5m'] },
    onBarClose() {
        for (;;) { /* never returns */ }
    }
});
`);
        const t0 = Date.now();
        const error = await rejection(runStrategy({ file, source: syntheticTicks(10_000, 5_000), stallTimeoutMs: 500 }));
        expect(error.kind).to.equal('timeout');
        expect(error.message).to.match(/'test.looper' was terminated: onBarClose did not return at strategy time 2013-10-07T00:05:00.000Z \(an infinite loop\?\); no answer for 0.5 s/);
        expect(Date.now() - t0).to.be.lessThan(10_000);
        const ok = await runStrategy({ file: strategyFile('recorder.ts', RECORDER), source: syntheticTicks(5_000, 5_000) });
        expect(ok.ticks).to.equal(5_000);
    });

    it('enforces the hard time limit of the whole run', async () => {
        const file = strategyFile('slow.ts', `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({
    id: 'test.slow', params: {}, subscribe: { tick: true },
    onStart() { const until = Date.now() + 30000; while (Date.now() < until) { /* busy */ } }
});
`);
        // A limit well above the worker's start and the strategy's compile time on a loaded machine, so that the run is in onStart when it ends.
        const error = await rejection(runStrategy({ file, source: syntheticTicks(1_000, 1_000), timeoutMs: 4000 }));
        expect(error.kind).to.equal('timeout');
        expect(error.message).to.match(/onStart did not return.*exceeded its time limit of 4 s/);
    });

    it('refuses a file whose default export is not a defineStrategy', async () => {
        const file = strategyFile('plain.ts', `export default { id: 'x', onBarClose() { /* nothing */ } };\n`);
        const error = await rejection(runStrategy({ file, source: [] }));
        expect(error.kind).to.equal('invalid');
        expect(error.message).to.contain(`${file} does not export a strategy: its default export must be defineStrategy({ ... })`);
        expect(error.message).to.contain('found an object with id, onBarClose');
    });

    it('reports a compile error with file, line and column', async () => {
        const file = strategyFile('broken.ts', `import { defineStrategy } from '@backtestr/plugins-sdk';\nexport default defineStrategy({ id: 'x',, });\n`);
        const error = await rejection(runStrategy({ file, source: [] }));
        expect(error.kind).to.equal('load');
        expect(error.message).to.match(/Cannot compile .*broken\.ts: .*broken\.ts:2:\d+: /);
    });

    it('cancels a run', async () => {
        const file = strategyFile('looper2.ts', `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'test.looper2', params: {}, subscribe: { tick: true }, onTick() { for (;;) { /* stuck */ } } });
`);
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 300);
        const error = await rejection(runStrategy({ file, source: syntheticTicks(1_000, 1_000), signal: controller.signal }));
        expect(error.kind).to.equal('cancelled');
    });
});

describe('strategy host: no look-ahead', function (): void {
    this.timeout(300_000);

    const PROBE = `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({
    id: 'test.probe', params: {}, subscribe: { barClose: ['1m'] },
    onBarClose(ctx, bar) {
        const m1 = ctx.mtf('1m');
        let refused = 0;
        try { m1.bar(0); } catch (e) { refused++; }
        try { m1.bar(1); } catch (e) { refused++; }
        ctx.record('refused', refused);
        ctx.record('m1.partial', m1.partial === undefined ? 1 : 0);
        const last = m1.bar(-1)!;
        ctx.record('same', last.close === bar.close && last.time === bar.time && last.ticks === bar.ticks ? 1 : 0);
        for (const k of ['time', 'open', 'high', 'low', 'close', 'volume', 'ticks'] as const) {
            ctx.record('bar.' + k, bar[k]);
        }
        const h = ctx.mtf('1H').partial;
        for (const k of ['time', 'open', 'high', 'low', 'close', 'volume', 'ticks'] as const) {
            ctx.record('h1.' + k, h === undefined ? NaN : h[k]);
        }
    }
});
`;

    it('at each 1m close on the real SPY trades: the bar equals the engine state and the partial 1H bar the ticks before the closing tick', async function (): Promise<void> {
        if (!hasData('spy-trades-2013-10')) {
            this.skip();
        }
        const spy = spyTrades();
        const n = spy.time.length;
        // The engine's completed 1m bars over the same ticks, for the bar passed to onBarClose.
        const engine = new MtfEngine({ timeframes: ['1m', '1H'], depth: 20_000 });
        engine.process({ time: spy.time, price: spy.price, size: spy.size });
        const m1 = engine.history('1m');
        const time = Float64Array.from(spy.time, t => Number(t));
        const price = spy.price.slice();
        const size = spy.size.slice();
        const source: TickBatch[] = [];
        for (let at = 0; at < n; at += 400_000) {
            source.push({ time: spy.time.slice(at, at + 400_000), price: spy.price.slice(at, at + 400_000), size: spy.size.slice(at, at + 400_000) });
        }
        const r = await runStrategy({ file: strategyFile('probe.ts', PROBE), source });
        const s = (k: string): Float64Array => r.series[k].value;
        const events = s('bar.close').length;
        expect(events).to.equal(m1.length);
        expect(events).to.be.greaterThan(1500);
        expect(Array.from(s('refused')).every(v => v === 2), 'bar(0) and bar(1) refused at every close').to.equal(true);
        expect(Array.from(s('m1.partial')).every(v => v === 1), 'no 1m partial before the closing tick is applied').to.equal(true);
        expect(Array.from(s('same')).every(v => v === 1), 'bar(-1) is the bar passed to onBarClose').to.equal(true);

        let j = 0; // ticks [0, j) are the ticks before the current closing tick
        let hourStart = NaN, open = 0, high = 0, low = 0, close = 0, volume = 0, ticks = 0;
        let checkedPartials = 0;
        for (let e = 0; e < events; e++) {
            const bar = m1[e];
            const closeTime = r.series['bar.close'].time[e];
            expect(s('bar.time')[e], `bar ${e} time`).to.equal(Number(bar.time));
            expect([s('bar.open')[e], s('bar.high')[e], s('bar.low')[e], s('bar.close')[e], s('bar.volume')[e], s('bar.ticks')[e]], `bar ${e}`)
                .to.deep.equal([bar.open, bar.high, bar.low, bar.close, bar.volume, bar.ticks]);
            // The closing tick: the first at or after the bar's end; the strategy's clock is its time.
            const end = Number(bar.end);
            while (j < n && time[j] < end) {
                const hs = Math.floor(time[j] / HOUR) * HOUR;
                if (hs !== hourStart) {
                    hourStart = hs; open = high = low = price[j]; volume = 0; ticks = 0;
                }
                high = Math.max(high, price[j]); low = Math.min(low, price[j]); close = price[j]; volume += size[j]; ticks++;
                j++;
            }
            // ctx.time at the close is the latest period end of the bars closed there (this 1m bar's end, or that of a
            // longer bar closing with it), never the unapplied closing tick's time.
            expect(closeTime, `ctx.time at close ${e}`).to.be.within(end, time[j]);
            expect(closeTime % 60_000_000, `ctx.time at close ${e} is a period end`).to.equal(0);
            expect(closeTime).to.be.at.least(end);
            if (time[j] >= hourStart + HOUR) {
                // The closing tick also closes the hour: no partial 1H bar before it is applied.
                expect(Number.isNaN(s('h1.close')[e]), `1H partial at close ${e}`).to.equal(true);
            } else {
                expect([s('h1.time')[e], s('h1.open')[e], s('h1.high')[e], s('h1.low')[e], s('h1.close')[e], s('h1.volume')[e], s('h1.ticks')[e]],
                    `1H partial at close ${e}`).to.deep.equal([hourStart, open, high, low, close, volume, ticks]);
                checkedPartials++;
            }
        }
        expect(checkedPartials).to.be.greaterThan(events * 0.9);
    });

    it('stops a strategy that reads bar(0) with an error that says to read .partial', async () => {
        const file = strategyFile('peek.ts', `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'test.peek', params: {}, subscribe: { barClose: ['1m'] },
    onBarClose(ctx) { ctx.record('x', ctx.mtf('1H').bar(0)!.close); } });
`);
        const error = await rejection(runStrategy({ file, source: syntheticTicks(1_000, 1_000) }));
        expect(error.kind).to.equal('strategy');
        expect(error.message).to.match(/threw in onBarClose at .*peek\.ts:3:\d+.*bar\(0\): only completed bars can be read.*\.partial/);
    });
});
