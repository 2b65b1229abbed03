// *****************************************************************************
// Replay protocol: the engine's multi-timeframe state at any tick of a dataset (walkback).
// Plain data and typed-array columns only.
// *****************************************************************************

import type { DatasetKey } from '@backtestr/workspace-store';
import type { UnixMicros } from '@backtestr/plugins-sdk';
import type { FloatBarColumns } from '@backtestr/engine-core/lib/common';

export const REPLAY_SERVICE_PATH = '/services/backtestr/replay';

/** Microseconds since 1970-01-01T00:00:00Z (exact below 2^53; declared in the SDK). */
export type { UnixMicros };

/** Bars as columns; `time` is the period start. Prices in instrument prices (tick counts times the tick size). */
export interface ChartBarColumns extends FloatBarColumns {
    readonly count: number;
}

/** Which price builds the bars: `last` (trades, and the path points of bars) or `bid`/`ask`/`mid` (quotes). */
export type PriceSource = 'last' | 'bid' | 'ask' | 'mid';

/** The engine's settings of a replay; a run's own ones (RunRecord.config) replay exactly what the run saw. */
export interface ReplayEngineSettings {
    /** Default: `last` for trades and bars, `bid` for quotes (the engine's defaults). */
    readonly priceSource?: PriceSource;
    /** Session start "HH:MM ZONE"; default "00:00 UTC". */
    readonly session?: string;
    /** Further timeframes the engine keeps beside the panels' (a run's own set). */
    readonly timeframes?: readonly string[];
}

export interface ReplayRequest {
    readonly dataset: DatasetKey;
    /** Timeframes of the panels (intraday or 1D); the engine always adds 1D for its session boundaries. */
    readonly timeframes: readonly string[];
    readonly engine?: ReplayEngineSettings;
}

/** The engine's default price source for a dataset kind. */
export function defaultPriceSource(kind: DatasetKey['kind']): PriceSource {
    return kind === 'quotes' ? 'bid' : 'last';
}

export const DEFAULT_SESSION = '00:00 UTC';

export interface ReplayInfo {
    readonly id: string;
    readonly dataset: DatasetKey;
    /** Timeframes in the order the frames list them (as requested). */
    readonly timeframes: readonly string[];
    readonly tickCount: number;
    readonly firstTime: UnixMicros;
    readonly lastTime: UnixMicros;
    readonly tickSize: number;
    readonly priceSource: PriceSource;
    readonly session: string;
    /** Every timeframe the engine keeps (the panels', the run's and 1D). */
    readonly engineTimeframes: readonly string[];
    /** Bars datasets: imported bars replayed as 4 path points each (so `tickCount` is 4 x the bars). */
    readonly pointsPerBar?: number;
    /** Engine sessions (1D periods) of the dataset: a replay step re-simulates at most one of them. */
    readonly sessions: number;
    /** Milliseconds the indexing pass took. */
    readonly prepareMs: number;
}

/** What the engine saw after applying tick `tickIndex`, for every timeframe of the replay. */
export interface ReplayFrame {
    readonly tickIndex: number;
    /** Time and price of that tick. */
    readonly time: UnixMicros;
    readonly price: number;
    readonly timeframes: readonly string[];
    /** Per timeframe: the newest completed bars (at most the window asked for), oldest first. */
    readonly completed: ChartBarColumns[];
    /** Per timeframe: bars completed since the start of the data. */
    readonly completedCount: number[];
    /** One row per timeframe: the forming bar; `time` is NaN where no period is in progress. */
    readonly partial: ChartBarColumns;
    /** Ticks re-simulated by the engine to build this frame (from the start of the cursor's session). */
    readonly resimulatedTicks: number;
    /** Backend milliseconds to build the frame (tick window read when not cached, re-simulation, bar copies). */
    readonly computeMs: number;
}

export const ReplayService = Symbol('ReplayService');
export interface ReplayService {
    /** Indexes a dataset with the native engine once (one pass); later frames cost at most one session. */
    open(request: ReplayRequest): Promise<ReplayInfo>;
    /** The state after tick `tickIndex` (0-based, clamped to the data), with `window` completed bars per timeframe (<= 1000). */
    frame(id: string, tickIndex: number, window: number): Promise<ReplayFrame>;
    /** Index of the last tick at or before `time` (-1 before the first tick). */
    tickIndexAt(id: string, time: UnixMicros): Promise<number>;
    /**
     * The cursor one bar of `timeframe` forward (the tick that completes the forming bar) or back
     * (the tick before the one that completed the newest bar). Returns the cursor unchanged at the ends.
     */
    stepBar(id: string, tickIndex: number, timeframe: string, direction: 1 | -1): Promise<number>;
    /**
     * Completed bars of a timeframe from the indexing pass, the last `limit` that start before
     * `before` (for scrolling back beyond a frame's window). Never bars of periods after `before`.
     */
    bars(id: string, timeframe: string, before: UnixMicros, limit: number): Promise<ChartBarColumns>;
    close(id: string): Promise<void>;
}
