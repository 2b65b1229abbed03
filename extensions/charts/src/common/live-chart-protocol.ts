// *****************************************************************************
// Live chart protocol: a run in progress pushed to the chart views following it, coalesced
// (at most LIVE_PUSHES_PER_SECOND per run). Plain data and typed-array columns only.
// *****************************************************************************

import type { RunTradeColumns } from '@backtestr/workspace-store';
import type { LiveFillColumns } from '@backtestr/engine';
import type { ChartBarColumns, UnixMicros } from './replay-protocol';
import type { RunSummary } from './run-overlay-protocol';

export const LIVE_CHART_SERVICE_PATH = '/services/backtestr/charts-live';

/** Pushes per second and run at most (the engine reports after every batch of ticks). */
export const LIVE_PUSHES_PER_SECOND = 10;

/** Completed bars per timeframe the backend keeps of a running run for a view that starts following it. */
export const LIVE_KEPT_BARS = 2000;

/** The state of a run in progress, or what changed since the previous push. */
export interface LiveChartUpdate {
    readonly runId: string;
    /** Ticks processed and the engine's clock after them. */
    readonly ticks: number;
    readonly time: UnixMicros;
    /** The run's engine timeframes (the strategy's), in the order of `completed` and `partial`. */
    readonly timeframes: readonly string[];
    /** Per timeframe: completed bars, oldest first (a snapshot: the newest kept; a push: the new ones). */
    readonly completed: ChartBarColumns[];
    /** Per timeframe: bars completed since the start of the run (the last row of `completed` is number `completedCount`). */
    readonly completedCount: number[];
    /** Per timeframe: bars completed but not carried (more in one push than the engine reports per batch). */
    readonly skipped: number[];
    /** One row per timeframe: the forming bar; `time` is NaN where none. */
    readonly partial: ChartBarColumns;
    /** Fills (a snapshot: all so far; a push: the new ones); `fillsTotal` counts all so far. */
    readonly fills: LiveFillColumns;
    readonly fillsTotal: number;
    /** Closed trades, the same way. */
    readonly trades: RunTradeColumns;
    readonly tradesTotal: number;
}

export type LiveRunStatus = 'running' | 'finished' | 'cancelled' | 'failed';

export interface LiveRun {
    readonly run: RunSummary;
    readonly status: LiveRunStatus;
}

/** The frontend's side: what the backend calls (Theia RPC client). */
export interface LiveChartClient {
    /** A run started in the IDE: views on its instrument may follow it. */
    onLiveRunStarted(run: LiveRun): void;
    /** What changed in a followed run since the previous push. */
    onLiveUpdate(update: LiveChartUpdate): void;
    /** A followed (or announced) run ended: the last push before this one has its state at its last tick. */
    onLiveRunEnded(runId: string, status: LiveRunStatus): void;
}

export const LiveChartService = Symbol('LiveChartService');
export interface LiveChartService {
    /** Runs in progress. */
    activeRuns(): Promise<LiveRun[]>;
    /** Starts the pushes of a run to this client; returns its state so far (undefined when it is not running). */
    follow(runId: string): Promise<LiveChartUpdate | undefined>;
    unfollow(runId: string): Promise<void>;
}
