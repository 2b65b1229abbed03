import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MtfEngine, tickScale, ticksToPrices, toInt64Micros } from '@backtestr/engine-core';
import type { RunRecord } from '@backtestr/workspace-store';
import type { RunEventColumns, RunTradeColumns } from '@backtestr/workspace-store';
import type { RunLiveBars } from '@backtestr/engine';
import { LiveChartClient, LiveChartUpdate } from '../common/live-chart-protocol';
import { LIVE_SHOWN_BARS, LiveFollow } from '../common/live-follow';
import { LiveRunHub } from './live-run-hub';

/**
 * The live data path on a real run: the sample strategy `sma-cross-1h-filter.ts` on the real SPY trades
 * of 2013-10 in a strategy worker; every progress report goes to the hub as the engine service gives it;
 * the views following the run (one from the start, one joining halfway) merge the coalesced pushes as
 * the chart view does. At the end both hold what the engine had at the run's last tick (computed here
 * by one independent native pass): the forming bars, the newest completed bars of every timeframe,
 * and the run's fills and trades.
 */

/** The engine's strategy runner, the part of a run this test needs (a test reaches into the engine's lib as tests/e2e/charts-support.js does). */
interface StrategyRunResult {
    readonly strategy: { readonly timeframes: readonly string[] };
    readonly execution: { readonly events: RunEventColumns; readonly trades: RunTradeColumns };
}
interface Progress { readonly ticks: number; readonly time: number; readonly live?: RunLiveBars; readonly trades?: RunTradeColumns }
const engineLib = path.join(path.dirname(require.resolve('@backtestr/engine/package.json')), 'lib', 'node', 'strategy-host');
const { runStrategy } = require(path.join(engineLib, 'strategy-runner')) as {
    runStrategy(options: {
        file: string; source: AsyncIterable<{ time: BigInt64Array; price: Float64Array; size: Float64Array }>;
        instrument: { symbol: string; tickSize: number; lotSize: number; multiplier: number }; onProgress(p: Progress): void;
    }): Promise<StrategyRunResult>;
};

const sampleWorkspace = path.resolve(__dirname, '..', '..', '..', '..', 'sample-workspace');
const BATCH = 50_000;

class RecordingClient implements LiveChartClient {
    readonly pushes: { at: number; update: LiveChartUpdate }[] = [];
    ended: string | undefined;
    onLiveRunStarted(): void { }
    onLiveUpdate(update: LiveChartUpdate): void {
        this.pushes.push({ at: Date.now(), update });
    }
    onLiveRunEnded(_runId: string, status: string): void {
        this.ended = status;
    }
}

describe('Live run pushes on the real SPY trades (sma-cross-1h-filter.ts)', function (): void {
    this.timeout(600000);
    let ticks: { time: BigInt64Array; price: Float64Array; size: Float64Array; tickSize: number };
    let result: StrategyRunResult;
    const first = new RecordingClient();
    const late = new RecordingClient();
    let followFirst: LiveFollow;
    let followLate: LiveFollow | undefined;

    before(async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charts-live-'));
        fs.copyFileSync(path.join(sampleWorkspace, '.backtestr', 'workspace.duckdb'), path.join(dir, 'w.duckdb'));
        // The copy's tick views name the sample's segment files relative to its folder.
        const instance = await DuckDBInstance.create(path.join(dir, 'w.duckdb'), { file_search_path: path.join(sampleWorkspace, '.backtestr') });
        const con = await instance.connect();
        const reader = await con.runAndReadAll(`SELECT t.time_us::DOUBLE, t.price_ticks::DOUBLE, t.size::DOUBLE, i.tick_size FROM trades t
            JOIN instruments i ON i.id = t.instrument_id WHERE i.symbol = 'SPY' ORDER BY t.time_us, t.seq`);
        const cols = reader.getColumns();
        const tickSize = Number(cols[3][0]);
        ticks = {
            time: toInt64Micros(Float64Array.from(cols[0] as number[])), price: ticksToPrices(Float64Array.from(cols[1] as number[]), tickScale(tickSize)),
            size: Float64Array.from(cols[2] as number[]), tickSize
        };
        con.closeSync();
        instance.closeSync();
        fs.rmSync(dir, { recursive: true, force: true });

        const hub = new LiveRunHub();
        const runId = 'live-test';
        const record = { id: runId, createdAt: Date.now() * 1000, status: 'running', strategyId: 'sma-cross-1h-filter', sourceHash: '', engineVersion: '', instrumentId: 1,
            config: { symbol: 'SPY', kind: 'trades' } } as unknown as RunRecord;
        hub.addClient(first);
        hub.addClient(late);
        hub.runStarted(record);
        followFirst = new LiveFollow(hub.activeRuns()[0]);
        followFirst.merge(hub.follow(runId, first)!);
        async function* batches(): AsyncGenerator<{ time: BigInt64Array; price: Float64Array; size: Float64Array }> {
            for (let i = 0; i < ticks.time.length; i += BATCH) {
                yield { time: ticks.time.slice(i, i + BATCH), price: ticks.price.slice(i, i + BATCH), size: ticks.size.slice(i, i + BATCH) };
            }
        }
        let reports = 0;
        result = await runStrategy({
            file: path.join(sampleWorkspace, 'strategies', 'sma-cross-1h-filter.ts'), source: batches(),
            instrument: { symbol: 'SPY', tickSize, lotSize: 1, multiplier: 1 },
            onProgress: (p: Progress) => {
                hub.runUpdate(runId, { ticks: p.ticks, time: p.time, live: p.live!, trades: p.trades });
                if (++reports === 20) {
                    followLate = new LiveFollow(hub.activeRuns()[0]);
                    followLate.merge(hub.follow(runId, late)!);
                }
            }
        });
        hub.runFinished(runId, 'finished');
        for (const { update } of first.pushes) {
            followFirst.pending.push(update);
        }
        followFirst.mergePending();
        for (const { update } of late.pushes) {
            followLate!.pending.push(update);
        }
        followLate!.mergePending();
    });

    it('ends with the engine\'s state at the run\'s last tick: forming bars and the newest completed bars of every timeframe', () => {
        const timeframes = [...result.strategy.timeframes];
        expect(followFirst.timeframes).to.deep.equal(timeframes);
        const engine = new MtfEngine({ timeframes, priceSource: 'last', depth: 1000 });
        const state = engine.state;
        engine.process({ time: ticks.time, price: ticks.price, size: ticks.size });
        expect(followFirst.ticks).to.equal(ticks.time.length);
        expect(followFirst.time).to.equal(Number(ticks.time[ticks.time.length - 1]));
        for (const follow of [followFirst, followLate!]) {
            for (const tf of timeframes) {
                const s = state.get(tf);
                const p = s.partial?.snapshot();
                expect(follow.partial.get(tf), `forming ${tf}`).to.deep.equal(p && { time: p.time, open: p.open, high: p.high, low: p.low, close: p.close, volume: p.volume });
                const held = follow.bars.get(tf)!.view();
                const want = s.bars(Math.min(held.count, 1000));
                expect(want.length, `${tf} bars`).to.be.greaterThan(0);
                const got = [];
                for (let k = held.count - want.length; k < held.count; k++) {
                    got.push({ time: held.time[k], open: held.open[k], high: held.high[k], low: held.low[k], close: held.close[k], volume: held.volume[k] });
                }
                expect(got, `completed ${tf}`).to.deep.equal(want.map(b => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume })));
            }
            expect(follow.skipped).to.equal(0);
        }
        // from the start: the newest completed bars of the run's shortest timeframe (at least LIVE_SHOWN_BARS), in order, none twice
        const m1 = followFirst.bars.get(timeframes[0])!.view();
        expect(m1.count).to.be.at.most(state.get(timeframes[0]).completedCount).and.at.least(Math.min(LIVE_SHOWN_BARS, state.get(timeframes[0]).completedCount));
        for (let k = 1; k < m1.count; k++) {
            expect(m1.time[k]).to.be.greaterThan(m1.time[k - 1]);
        }
    });

    it('carries every fill and trade of the run, also to a view that joined halfway', () => {
        const ev = result.execution.events;
        const fills = ev.kind.map((k, i) => k === 'filled' ? i : -1).filter(i => i >= 0);
        expect(fills.length).to.be.greaterThan(0);
        for (const follow of [followFirst, followLate!]) {
            expect(Array.from(follow.fills.time)).to.deep.equal(fills.map(i => ev.time[i]));
            expect(Array.from(follow.fills.price)).to.deep.equal(fills.map(i => ev.price[i]));
            expect(Array.from(follow.fills.position)).to.deep.equal(fills.map(i => ev.position[i]));
            expect(Array.from(follow.trades.exitTime)).to.deep.equal(Array.from(result.execution.trades.exitTime));
            expect(Array.from(follow.trades.pnl)).to.deep.equal(Array.from(result.execution.trades.pnl));
        }
    });

    it('coalesces the reports: at most one push per 1/10 s, and the end of the run is announced after the last push', () => {
        expect(first.pushes.length).to.be.greaterThan(1);
        for (let k = 1; k < first.pushes.length - 1; k++) {
            expect(first.pushes[k].at - first.pushes[k - 1].at, `push ${k}`).to.be.at.least(90);
        }
        expect(first.ended).to.equal('finished');
        expect(late.ended).to.equal('finished');
    });
});
