// *****************************************************************************
// The runs in progress as the charts see them: the engine reports after every batch of ticks
// (RunLiveFeed); the hub keeps the newest bars of each timeframe, the forming bars, the fills
// and trades, and pushes what changed to the views following the run, coalesced to at most
// LIVE_PUSHES_PER_SECOND pushes per run.
// *****************************************************************************

import { inject, injectable, named } from '@theia/core/shared/inversify';
import { ILogger } from '@theia/core/lib/common/logger';
import type { RunRecord, RunTradeColumns } from '@backtestr/workspace-store';
import { LiveFillColumns, RunLiveFeed, RunLiveUpdate } from '@backtestr/engine';
import { concatColumns, emptyFills, emptyTrades, FILL_KEYS, GrowingBars, TRADE_KEYS } from '../common/live-bar-math';
import { LIVE_KEPT_BARS, LIVE_PUSHES_PER_SECOND, LiveChartClient, LiveChartUpdate, LiveRun, LiveRunStatus } from '../common/live-chart-protocol';
import { ChartBarColumns } from '../common/replay-protocol';
import { runSummary } from './run-overlay-service-impl';

/** One run in progress. */
class LiveRunState {
    timeframes: readonly string[] = [];
    kept: GrowingBars[] = [];
    /** Bars completed since the last push, per timeframe. */
    pending: GrowingBars[] = [];
    skipped: number[] = [];
    completedCount: number[] = [];
    partial: ChartBarColumns | undefined;
    fills: LiveFillColumns = emptyFills();
    trades: RunTradeColumns = emptyTrades();
    /** Fills and trades already pushed. */
    fillsPushed = 0;
    tradesPushed = 0;
    ticks = 0;
    time = 0;
    lastPush = 0;
    timer: ReturnType<typeof setTimeout> | undefined;
    readonly followers = new Set<LiveChartClient>();

    constructor(readonly run: LiveRun) { }

    apply(update: RunLiveUpdate): void {
        const live = update.live;
        if (this.timeframes.length === 0) {
            this.timeframes = [...live.timeframes];
            this.kept = live.timeframes.map(() => new GrowingBars());
            this.pending = live.timeframes.map(() => new GrowingBars(64));
            this.skipped = live.timeframes.map(() => 0);
            this.completedCount = live.timeframes.map(() => 0);
        }
        live.completed.forEach((bars, tf) => {
            const n = bars.time.length;
            const count = live.completedCount[tf];
            this.skipped[tf] += Math.max(0, count - this.completedCount[tf] - n);
            this.completedCount[tf] = count;
            this.kept[tf].append(bars, 0, n);
            if (this.kept[tf].count > 2 * LIVE_KEPT_BARS) {
                this.kept[tf].trimTo(LIVE_KEPT_BARS);
            }
            this.pending[tf].append(bars, 0, n);
        });
        const p = live.partial;
        this.partial = { count: p.time.length, time: p.time, open: p.open, high: p.high, low: p.low, close: p.close, volume: p.volume };
        if (live.fills.time.length > 0) {
            this.fills = concatColumns(FILL_KEYS, this.fills, live.fills);
        }
        if (update.trades && update.trades.side.length > 0) {
            this.trades = concatColumns(TRADE_KEYS, this.trades, update.trades);
        }
        this.ticks = update.ticks;
        this.time = update.time;
    }

    /** What changed since the previous push (and marks it pushed). */
    takePush(): LiveChartUpdate {
        const update = this.update(this.pending.map(b => b.tail(b.count)), this.fillsPushed, this.tradesPushed, [...this.skipped]);
        this.pending.forEach(b => b.trimTo(0));
        this.skipped = this.skipped.map(() => 0);
        this.fillsPushed = this.fills.time.length;
        this.tradesPushed = this.trades.side.length;
        return update;
    }

    /** The state so far, for a view that starts following. */
    snapshot(): LiveChartUpdate {
        return this.update(this.kept.map(b => b.tail(LIVE_KEPT_BARS)), 0, 0, this.skipped.map(() => 0));
    }

    protected update(completed: ChartBarColumns[], fillsFrom: number, tradesFrom: number, skipped: number[]): LiveChartUpdate {
        const n = this.timeframes.length;
        const partial = this.partial ?? { count: 0, time: new Float64Array(0), open: new Float64Array(0), high: new Float64Array(0),
            low: new Float64Array(0), close: new Float64Array(0), volume: new Float64Array(0) };
        return {
            runId: this.run.run.id, ticks: this.ticks, time: this.time, timeframes: this.timeframes, completed,
            completedCount: this.completedCount.slice(0, n), skipped, partial,
            fills: concatColumns(FILL_KEYS, emptyFills(), this.fills, fillsFrom), fillsTotal: this.fills.time.length,
            trades: concatColumns(TRADE_KEYS, emptyTrades(), this.trades, tradesFrom), tradesTotal: this.trades.side.length
        };
    }
}

@injectable()
export class LiveRunHub implements RunLiveFeed {

    @inject(ILogger) @named('charts:LiveRunHub')
    protected readonly logger: ILogger;

    protected readonly runs = new Map<string, LiveRunState>();
    /** Every connected chart frontend (they hear of runs starting). */
    protected readonly clients = new Set<LiveChartClient>();
    protected readonly interval = 1000 / LIVE_PUSHES_PER_SECOND;

    addClient(client: LiveChartClient): void {
        this.clients.add(client);
    }

    removeClient(client: LiveChartClient): void {
        this.clients.delete(client);
        this.runs.forEach(r => r.followers.delete(client));
    }

    activeRuns(): LiveRun[] {
        return [...this.runs.values()].map(r => r.run);
    }

    follow(runId: string, client: LiveChartClient): LiveChartUpdate | undefined {
        const run = this.runs.get(runId);
        if (!run) {
            return undefined;
        }
        run.followers.add(client);
        return run.snapshot();
    }

    unfollow(runId: string, client: LiveChartClient): void {
        this.runs.get(runId)?.followers.delete(client);
    }

    runStarted(record: RunRecord): void {
        const run: LiveRun = { run: runSummary(record), status: 'running' };
        this.runs.set(record.id, new LiveRunState(run));
        this.clients.forEach(c => this.call(() => c.onLiveRunStarted(run)));
    }

    runUpdate(runId: string, update: RunLiveUpdate): void {
        const run = this.runs.get(runId);
        if (!run) {
            return;
        }
        run.apply(update);
        if (run.followers.size === 0 || run.timer) {
            return;
        }
        const wait = run.lastPush + this.interval - Date.now();
        if (wait <= 0) {
            this.push(run);
        } else {
            run.timer = setTimeout(() => this.push(run), wait);
        }
    }

    runFinished(runId: string, status: 'finished' | 'cancelled' | 'failed'): void {
        const run = this.runs.get(runId);
        if (!run) {
            return;
        }
        if (run.followers.size > 0) {
            this.push(run);
        }
        this.runs.delete(runId);
        const ended: LiveRunStatus = status;
        this.clients.forEach(c => this.call(() => c.onLiveRunEnded(runId, ended)));
    }

    protected push(run: LiveRunState): void {
        if (run.timer) {
            clearTimeout(run.timer);
            run.timer = undefined;
        }
        run.lastPush = Date.now();
        const update = run.takePush();
        run.followers.forEach(c => this.call(() => c.onLiveUpdate(update)));
    }

    protected call(f: () => unknown): void {
        try {
            // a client call is an RPC notification: a failure shows in its promise
            Promise.resolve(f()).catch(error => this.logger.warn(`A chart view missed a live run message: ${error instanceof Error ? error.message : String(error)}`));
        } catch (error) {
            this.logger.warn(`A chart view could not be told of a live run: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
}
