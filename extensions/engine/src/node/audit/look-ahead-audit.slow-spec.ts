// The look-ahead audit on the sample workspace's real data (shared/data, seeded into a real DuckDB workspace):
// every sample strategy passes; strategies that know the future fail, the report naming the first divergent order.

import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BacktestData, BacktestDataset, OhlcBatch, UnixMicros } from '@backtestr/workspace-store';
import { BacktestDataImpl, WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { defaultDataDir, seedSampleWorkspace } from '@backtestr/data-import/lib/node';
import { ENGINE_VERSION } from '@backtestr/engine-core';
import { lookAheadText as verdictText } from '@backtestr/analysis';
import { auditCutTimes, auditLookAhead } from './look-ahead-audit';
import { PerturbedBacktestData } from './perturbed-backtest-data';

const STRATEGIES = path.resolve(__dirname, '../../../../../sample-workspace/strategies');
const JAN_2017 = { from: Date.UTC(2017, 0, 2) * 1000, to: Date.UTC(2017, 1, 1) * 1000 };

/**
 * The data layer of a store a strategy reads behind the engine's back: before serving a run's bars it writes them all
 * (time and close) to a file beside the strategy, as that run's store holds them. A cut run's store holds its mirrored
 * future, so the file does too.
 */
class StoreFileData implements BacktestData {
    constructor(protected readonly inner: BacktestData, protected readonly file: string) { }
    resolve(symbol: string, kind?: BacktestDataset['dataset']['kind']): Promise<BacktestDataset> {
        return this.inner.resolve(symbol, kind);
    }
    streamTicks(target: BacktestDataset, options?: { from?: UnixMicros; to?: UnixMicros }): AsyncIterable<never> {
        throw new Error(`only bars here (${target.dataset.kind} ${options?.from})`);
    }
    readBars(target: BacktestDataset, timeframe: string, from?: UnixMicros, to?: UnixMicros): Promise<OhlcBatch> {
        return this.inner.readBars(target, timeframe, from, to);
    }
    async *streamBars(target: BacktestDataset, options?: { from?: UnixMicros; to?: UnixMicros }): AsyncGenerator<OhlcBatch> {
        const all: OhlcBatch[] = [];
        for await (const bars of this.inner.streamBars(target, options)) {
            all.push(bars);
        }
        fs.writeFileSync(this.file, JSON.stringify({
            time: all.flatMap(b => Array.from(b.time, Number)), close: all.flatMap(b => Array.from(b.close))
        }));
        yield* all;
    }
}

/** Buys when the close 30 bars ahead (read from the store file) is higher, sells when it is lower. */
const FILE_CHEAT = `import { defineStrategy, readFile } from '@backtestr/plugins-sdk';
let future: { time: number[]; close: number[] } | undefined;
let at = 0;
export default defineStrategy({
    id: 'cheats.store-file', params: {}, subscribe: { barClose: ['1m'] }, timeframes: ['1m'],
    permissions: { files: ['store.json'] },
    onBarClose(ctx, bar) {
        future ??= JSON.parse(readFile('store.json'));
        while (at < future!.time.length && future!.time[at] < bar.time) { at++; }
        const ahead = future!.close[at + 30];
        if (ahead === undefined) { return; }
        if (ahead > bar.close && ctx.position.qty <= 0) { ctx.order.market('buy', 1, { tag: 'the store says up' }); }
        else if (ahead < bar.close && ctx.position.qty > 0) { ctx.order.close({ tag: 'the store says down' }); }
    }
});
`;

/** Fair, with its own seeded randomness: trades at random bar closes, the same ones in every run. */
const SEEDED_RANDOM = `import { defineStrategy } from '@backtestr/plugins-sdk';
let state = 7;
const next = (): number => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648; };
export default defineStrategy({
    id: 'fair.seeded-random', params: {}, subscribe: { barClose: ['1m'] }, timeframes: ['1m'],
    onStart() { state = 7; },
    onBarClose(ctx, bar) {
        const r = next();
        if (r < 0.01 && ctx.position.qty === 0) { ctx.order.market('buy', 1, { tag: 'dice' }); }
        else if (r > 0.99 && ctx.position.qty > 0) { ctx.order.close({ tag: 'dice' }); }
        ctx.record('r', r);
    }
});
`;

describe('look-ahead audit', function (): void {
    this.timeout(600_000);
    let root: string;
    let db: WorkspaceDatabase;
    let data: BacktestData;

    before(async function (): Promise<void> {
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'eurusd-m1-2017h1'))) {
            this.skip();
        }
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'look-ahead-audit-'));
        await seedSampleWorkspace(workspaceDatabasePath(root), dataDir!);
        db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        data = new BacktestDataImpl(db);
    });

    after(() => {
        db?.close();
        if (root) {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it('cuts: one in each of K equal slices, from the seed, the same for the same seed', () => {
        const a = auditCutTimes(0, 1000, 10, 3);
        expect(a).to.deep.equal(auditCutTimes(0, 1000, 10, 3));
        expect(a).to.not.deep.equal(auditCutTimes(0, 1000, 10, 4));
        a.forEach((t, k) => expect(t).to.be.within(k * 100, (k + 1) * 100));
    });

    it('the perturbed data: the real bars before the cut, mirrored bars after it, on the grid, with high >= open, close >= low', async () => {
        const target = await data.resolve('EURUSD@histdata', 'bars');
        const cut = Date.UTC(2017, 0, 16) * 1000;
        const real: OhlcBatch[] = [];
        for await (const b of data.streamBars(target, JAN_2017)) {
            real.push(b);
        }
        const mirrored: OhlcBatch[] = [];
        for await (const b of new PerturbedBacktestData(data, cut).streamBars(target, JAN_2017)) {
            mirrored.push(b);
        }
        const r = real[0];
        const m = mirrored[0];
        expect(Array.from(m.time)).to.deep.equal(Array.from(r.time));
        let before = 0;
        let changed = 0;
        for (let i = 0; i < r.time.length; i++) {
            if (Number(r.time[i]) < cut) {
                expect([m.open[i], m.high[i], m.low[i], m.close[i]]).to.deep.equal([r.open[i], r.high[i], r.low[i], r.close[i]]);
                before++;
            } else {
                changed += m.close[i] !== r.close[i] ? 1 : 0;
                expect(m.high[i]).to.be.at.least(Math.max(m.open[i], m.close[i]));
                expect(m.low[i]).to.be.at.most(Math.min(m.open[i], m.close[i]));
                expect(Math.abs(m.close[i] * 1e5 - Math.round(m.close[i] * 1e5))).to.be.below(1e-6);
            }
        }
        expect(before).to.be.greaterThan(1000);
        expect(changed).to.be.greaterThan((r.time.length - before) / 2);
    });

    for (const [file, symbol, kind, range] of [
        ['sma-cross.ts', 'EURUSD@histdata', 'bars', JAN_2017], ['sma-cross-1h-filter.ts', 'SPY', undefined, undefined],
        ['opening-range-breakout-spy.ts', 'SPY', undefined, undefined], ['rsi-reversion-eurusd.ts', 'EURUSD@oanda', undefined, undefined]
    ] as const) {
        it(`${file} on ${symbol} passes (6 cuts) and trades`, async () => {
            let reported = 0;
            const { outcome, audit } = await auditLookAhead({ file: path.join(STRATEGIES, file), symbol, kind, ...range },
                { data, engineVersion: ENGINE_VERSION }, { cuts: 6, seed: 5, onProgress: done => reported = done });
            expect(verdictText(audit)).to.equal('no look-ahead: passed (6 cuts, seed 5)');
            expect(audit.cutTimes).to.have.length(6);
            expect(reported).to.equal(7);
            expect(outcome.output.orders.id.length, 'the strategy trades, so the audit compared something').to.be.greaterThan(0);
        });
    }

    it('a fair strategy with its own seeded randomness passes', async () => {
        const dir = fs.mkdtempSync(path.join(root, 'fair-'));
        fs.writeFileSync(path.join(dir, 'seeded-random.ts'), SEEDED_RANDOM);
        const { outcome, audit } = await auditLookAhead({ file: path.join(dir, 'seeded-random.ts'), symbol: 'EURUSD@histdata', kind: 'bars', ...JAN_2017 },
            { data, engineVersion: ENGINE_VERSION }, { cuts: 4 });
        expect(audit.verdict, verdictText(audit)).to.equal('pass');
        expect(outcome.output.orders.id.length).to.be.greaterThan(10);
    });

    it('a strategy reading the store file behind the engine fails, the report naming the first divergent order', async () => {
        const dir = fs.mkdtempSync(path.join(root, 'cheat-'));
        const store = path.join(dir, 'store.json');
        fs.writeFileSync(path.join(dir, 'store-file.ts'), FILE_CHEAT);
        const { outcome, audit } = await auditLookAhead({ file: path.join(dir, 'store-file.ts'), symbol: 'EURUSD@histdata', kind: 'bars', ...JAN_2017 },
            { data: new StoreFileData(data, store), engineVersion: ENGINE_VERSION },
            // One run at a time: the runs share the file name.
            { cuts: 4, seed: 2, parallel: 1, perturb: (real, cut) => new StoreFileData(new PerturbedBacktestData(real, cut), store) });
        expect(audit.verdict).to.equal('fail');
        const d = audit.divergence!;
        expect(d.what).to.equal('order');
        expect(d.time).to.be.below(d.cutTime);
        // The first divergent order is one of the full run's, named with its id, side and tag.
        const o = outcome.output.orders;
        const i = Array.from(o.id).indexOf(d.orderId!);
        expect(i).to.be.at.least(0);
        expect(d.full).to.contain(`order #${d.orderId}`).and.to.contain(`'${o.tag[i]}'`);
        expect(verdictText(audit)).to.match(/^look-ahead: FAILED at 2017-01-.* the first divergent order: full run order #\d+ market (buy|sell) 1 /);
    });
});
