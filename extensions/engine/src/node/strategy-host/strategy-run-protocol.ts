// *****************************************************************************
// What a strategy run takes and returns, and the messages between the runner (parent
// thread) and the worker that owns the run's engine. Plain data and typed arrays only.
// *****************************************************************************

import { RunEquityColumns, RunEventColumns, RunOrderColumns, RunTradeColumns } from '@backtestr/workspace-store';
import { ParamSpec, TickSource } from '@backtestr/plugins-sdk';
import { ParamInput } from '@backtestr/plugins-sdk/host';
import { ExecutionOptions } from '@backtestr/engine-core';
import { RunLiveBars } from '../../common/run-live-feed';

/** The run's instrument as the strategy sees it (`ctx.instrument`); its grid is the engine's order grid. */
export interface RunInstrument {
    readonly symbol: string;
    readonly tickSize: number;
    readonly lotSize: number;
    readonly multiplier: number;
}

export interface StrategyEngineOptions {
    /** Which price builds the bars; default 'last' (trades). Quotes: 'bid', 'ask' or 'mid'. */
    priceSource?: 'last' | 'bid' | 'ask' | 'mid';
    /** Session start "HH:MM ZONE" (see native/README.md); default "00:00 UTC". */
    session?: string;
    /** Completed bars kept per timeframe; default 1000. */
    depth?: number;
    /** Fill, slippage, commission, latency and cash (the grid comes from `instrument`); default: trade fills, no costs. */
    execution?: Omit<ExecutionOptions, 'wake' | 'tickSize' | 'lotSize' | 'multiplier'>;
    /** Default: symbol '?', tick size 0.01, lot 1, multiplier 1. */
    instrument?: RunInstrument;
    /**
     * Plugin indicators for `ctx.indicator`: a module exporting `loadEnabledIndicators(dir)` (the plugins
     * extension's loader, given by path so the engine does not depend on it) and the plugin folder.
     */
    plugins?: { readonly loader: string; readonly dir: string };
    /** The Python interpreter for `.py` strategies (preference `backtestr.python`); default BACKTESTR_PYTHON, else `python3`. */
    python?: string;
    /** A Python strategy's process is limited to this address space (MiB; set by the runner from the run's memory budget). */
    pythonMemoryBudgetMiB?: number;
}

export interface StrategyRunOptions extends StrategyEngineOptions {
    /** The strategy file (TypeScript or JavaScript) whose default export is a `defineStrategy(...)`. */
    file: string;
    /** Parameter overrides (strings are parsed as on a command line). */
    params?: ParamInput;
    /** The ticks, in time order. Each batch's buffers are transferred to the worker: do not reuse them. */
    source: TickSource;
    /** Hard limit on the whole run; default 10 minutes. */
    timeoutMs?: number;
    /** Limit on the worker not answering while it holds work (a hook stuck in a loop); default 30 s. */
    stallTimeoutMs?: number;
    /** Memory budget of the strategy (its JS heap and ArrayBuffers), MiB; default 2048 (preference `backtestr.run.memoryBudget`). */
    memoryBudgetMiB?: number;
    /** Called when the strategy is loaded and valid, before the first tick is read (awaited). */
    onReady?(strategy: StrategyInfo): void | Promise<void>;
    /** Called after each batch the worker has processed. */
    onProgress?(progress: StrategyRunProgress): void;
    signal?: AbortSignal;
    /** Pause/resume; the stall timeout does not count while paused. */
    control?: RunControl;
}

/** What a run produced since the previous progress report: equity samples and closed trades. */
export interface ProgressDelta {
    readonly equity: RunEquityColumns;
    readonly trades?: RunTradeColumns;
    /** The bars and fills the strategy has seen since the previous report (for charts following the run). */
    readonly live?: RunLiveBars;
}

export interface StrategyRunProgress extends ProgressDelta {
    readonly ticks: number;
    readonly batches: number;
    /** Engine clock (UTC microseconds) after the batch. */
    readonly time: number;
    readonly elapsedMs: number;
}

/** Pause and resume of a run: the runner stops feeding batches while paused (the batch in the worker finishes). */
export class RunControl {
    protected pausedWith: Promise<void> | undefined;
    protected release: (() => void) | undefined;

    get paused(): boolean {
        return this.pausedWith !== undefined;
    }

    pause(): void {
        if (!this.pausedWith) {
            this.pausedWith = new Promise(resolve => this.release = resolve);
        }
    }

    resume(): void {
        const release = this.release;
        this.pausedWith = undefined;
        this.release = undefined;
        release?.();
    }

    /** Resolves at once when running, else when resumed. */
    whenRunning(): Promise<void> {
        return this.pausedWith ?? Promise.resolve();
    }
}

/** A recorded series: columns of (time, value), in record order. */
export interface RecordedSeries {
    readonly time: Float64Array;
    readonly value: Float64Array;
}

export interface RunLogs {
    readonly time: Float64Array;
    readonly message: string[];
}

export interface StrategyInfo {
    readonly id: string;
    readonly label?: string;
    readonly file: string;
    /** SHA-256 of the strategy's source text. */
    readonly sourceHash: string;
    readonly params: Readonly<Record<string, number | boolean | string>>;
    /** The declared parameters (types, defaults, ranges, labels): what a run form is generated from. */
    readonly paramSpecs: Readonly<Record<string, ParamSpec>>;
    readonly timeframes: readonly string[];
    readonly subscribe: { readonly barClose: readonly string[]; readonly tick: boolean };
    /** What the strategy was granted beyond its sandbox (defineStrategy's permissions); undefined: nothing. */
    readonly permissions?: { readonly files: readonly string[] };
}

export interface StrategyRunResult {
    readonly strategy: StrategyInfo;
    readonly ticks: number;
    readonly batches: number;
    /** Bar-close wake-ups delivered to onBarClose, in total and per subscribed timeframe. */
    readonly barCloses: number;
    readonly barClosesByTimeframe: Readonly<Record<string, number>>;
    readonly tickWakeups: number;
    /** Times (UTC microseconds) of the first and last tick; undefined for no ticks. */
    readonly firstTime?: number;
    readonly lastTime?: number;
    readonly series: Readonly<Record<string, RecordedSeries>>;
    readonly logs: RunLogs;
    /** Orders, their events (with reasons), closed trades, the equity curve and the final account. */
    readonly execution: ExecutionOutput;
    /** Wall time of the run as the caller saw it (data reads included). */
    readonly elapsedMs: number;
    /** Time the worker spent in the engine and the strategy. */
    readonly workerMs: number;
    readonly ticksPerSecond: number;
}

export interface ExecutionOutput {
    readonly orders: RunOrderColumns;
    readonly events: RunEventColumns;
    readonly trades: RunTradeColumns;
    /** Sampled at every close of the run's shortest timeframe (stamped with that bar's time) and after the last tick. */
    readonly equity: RunEquityColumns;
    readonly initialCash: number;
    readonly finalEquity: number;
    readonly commission: number;
    readonly slippage: number;
}

export type StrategyRunErrorKind = 'load' | 'invalid' | 'params' | 'strategy' | 'timeout' | 'cancelled' | 'data' | 'worker' | 'memory';

/** Why a run failed; `stack` is the strategy's stack trace, source-mapped to the user's file. */
export class StrategyRunError extends Error {
    constructor(readonly kind: StrategyRunErrorKind, message: string, readonly strategyStack?: string) {
        super(message);
        this.name = 'StrategyRunError';
    }
}

/** Hooks, as written into the shared status word while one runs (the runner names the stuck one). */
export const HOOKS = ['', 'onStart', 'onBarClose', 'onTick', 'onStop', 'loading', 'onFill', 'onOrderEvent'] as const;

// ---------------------------------------------------------------- worker messages

export interface StartMessage {
    readonly type: 'start';
    readonly file: string;
    readonly params: ParamInput;
    readonly engine: StrategyEngineOptions;
    /** Int32 [0] = index in HOOKS of the running hook; int64 at byte 8 = engine clock (UTC micros) when it was entered. */
    readonly status: SharedArrayBuffer;
}

export interface BatchMessage {
    readonly type: 'batch';
    readonly time: BigInt64Array;
    readonly price?: Float64Array;
    readonly size?: Float64Array;
    readonly bid?: Float64Array;
    readonly ask?: Float64Array;
}

export type ToWorker = StartMessage | BatchMessage | { readonly type: 'end' };

export interface SerializedError {
    readonly kind: StrategyRunErrorKind;
    readonly message: string;
    readonly stack?: string;
}

export type FromWorker =
    | { readonly type: 'ready'; readonly strategy: StrategyInfo }
    | { readonly type: 'progress'; readonly ticks: number; readonly batches: number; readonly time: number; readonly delta: ProgressDelta }
    | { readonly type: 'result'; readonly result: Omit<StrategyRunResult, 'elapsedMs' | 'ticksPerSecond'> }
    | { readonly type: 'error'; readonly error: SerializedError };
