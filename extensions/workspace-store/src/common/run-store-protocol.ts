// *****************************************************************************
// Backtest runs in the workspace database: what a run was (strategy, data, models,
// parameters), how it went, and everything it produced (orders, order events with their
// reasons, closed trades, the equity curve, recorded series and log lines), so that a run
// can be listed, reopened, replayed, compared and exported. The engine writes runs; the
// analysis and charts extensions read them. Bound in the backend only (not over RPC):
// inject `RunStore` there. Plain data and typed-array columns.
// *****************************************************************************

import { Event } from '@theia/core/lib/common/event';
import { DatasetKind, UnixMicros } from './workspace-store-protocol';

export const RunStore = Symbol('RunStore');

/** `interrupted`: the process running it ended (killed, crashed) before it finished; seen when the workspace is opened again. */
export type RunStatus = 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';

/** How orders were filled and charged: the execution models of one run. */
export interface RunModels {
    /** `trade`: fill at the tick price; `quote`: buy at the ask, sell at the bid; `bar`: along each bar's intrabar path. */
    readonly fill: 'trade' | 'quote' | 'bar';
    /** `touch`: a resting limit fills when the market reaches it; `through`: only beyond it. */
    readonly limitFill: 'touch' | 'through';
    readonly slippage: { readonly kind: 'none' } | { readonly kind: 'ticks' | 'percent'; readonly value: number } | { readonly kind: 'random'; readonly maxTicks: number };
    readonly commission: { readonly perUnit?: number; readonly perOrder?: number; readonly percent?: number; readonly minimum?: number };
    readonly latencyMicros: number;
    readonly initialCash: number;
}

/** What a run was asked to do; enough to run it again and get byte-identical results. */
export interface RunConfig {
    /** Absolute path of the strategy file. */
    readonly strategyFile: string;
    readonly symbol: string;
    readonly kind: DatasetKind;
    readonly from?: UnixMicros;
    readonly to?: UnixMicros;
    readonly params: Readonly<Record<string, number | boolean | string>>;
    readonly timeframes: readonly string[];
    /** Which price builds the bars: `last` (trades) or `bid`/`ask`/`mid` (quotes). */
    readonly priceSource: 'last' | 'bid' | 'ask' | 'mid';
    /** Session start, "HH:MM ZONE". */
    readonly session: string;
    readonly models: RunModels;
    /** Seed of the random slippage model (and of anything else random in the run). */
    readonly seed: number;
    readonly tickSize: number;
    readonly multiplier: number;
    /** What the strategy was granted beyond its sandbox (its defineStrategy permissions); absent: nothing. */
    readonly permissions?: { readonly files: readonly string[] };
}

/** The figures the Runs view shows for a finished run (the analysis extension computes the rest). */
export interface RunHeadline {
    readonly netProfit: number;
    /** Net profit / initial cash, in percent. */
    readonly totalReturnPercent: number;
    readonly maxDrawdownPercent: number;
    readonly trades: number;
    /** In percent; undefined without closed trades. */
    readonly winRatePercent?: number;
    readonly profitFactor?: number;
    readonly sharpe?: number;
    readonly finalEquity: number;
}

export interface RunRecord {
    readonly id: string;
    readonly createdAt: UnixMicros;
    readonly finishedAt?: UnixMicros;
    readonly status: RunStatus;
    /** Why it failed or was cancelled (the strategy's error with its source location). */
    readonly message?: string;
    readonly strategyId: string;
    readonly strategyLabel?: string;
    /** SHA-256 of the strategy's source text. */
    readonly sourceHash: string;
    readonly engineVersion: string;
    readonly instrumentId: number;
    readonly config: RunConfig;
    readonly ticks?: number;
    readonly elapsedMs?: number;
    /** First and last tick time the run processed. */
    readonly firstTime?: UnixMicros;
    readonly lastTime?: UnixMicros;
    readonly headline?: RunHeadline;
    /** The verdict of the run's look-ahead audit (`backtestr audit`, the run form's "Verify no look-ahead"); absent: not audited. */
    readonly lookAhead?: RunLookAhead;
}

/**
 * A look-ahead audit's verdict: the run re-run on its data cut at `cutTimes` with the data after each cut replaced;
 * `fail` when something before a cut differed from the full run (the earliest such difference).
 */
export interface RunLookAhead {
    readonly verdict: 'pass' | 'fail';
    readonly cuts: number;
    readonly seed: number;
    /** UTC microseconds, ascending. */
    readonly cutTimes: readonly number[];
    readonly divergence?: {
        readonly what: 'order' | 'event' | 'record' | 'log';
        /** When the differing entry is (UTC microseconds), and the cut that showed it. */
        readonly time: number;
        readonly cutTime: number;
        /** The order concerned (order and event divergences) and its tag. */
        readonly orderId?: number;
        readonly tag?: string;
        /** The differing entry in the full run and in the cut run, in words ('none' when a run has none there). */
        readonly full: string;
        readonly cut: string;
    };
}

/** Orders as the strategy sent them, in send order. `side` +1 buy, -1 sell; absent prices are NaN. */
export interface RunOrderColumns {
    readonly id: Float64Array;
    readonly time: Float64Array;
    readonly type: readonly string[];
    readonly side: Float64Array;
    readonly qty: Float64Array;
    readonly limit: Float64Array;
    readonly stop: Float64Array;
    readonly tif: readonly string[];
    /** The strategy's own words for why it sent the order ('' when none). */
    readonly tag: readonly string[];
}

/** Order events in the order they happened (see native/README.md for the reasons). */
export interface RunEventColumns {
    readonly time: Float64Array;
    readonly order: Float64Array;
    /** accepted, rejected, filled, cancelled, expired, triggered. */
    readonly kind: readonly string[];
    /** The rule, e.g. MARKET, LIMIT_RESTING, STOP_GAP, BAD_QTY. */
    readonly reason: readonly string[];
    /** Ticks applied when the event happened (this tick included): the replay cursor of the event. */
    readonly seq: Float64Array;
    readonly price: Float64Array;
    readonly qty: Float64Array;
    readonly commission: Float64Array;
    /** Fill: market price before slippage; cancelled/expired: the closest the market came. */
    readonly reference: Float64Array;
    readonly position: Float64Array;
    readonly realised: Float64Array;
}

/** Closed trades, flat to flat. `side` +1 long, -1 short; money in the account currency, pnl net of costs. */
export interface RunTradeColumns {
    readonly side: Float64Array;
    readonly qty: Float64Array;
    readonly entryTime: Float64Array;
    readonly exitTime: Float64Array;
    readonly entryPrice: Float64Array;
    readonly exitPrice: Float64Array;
    readonly pnl: Float64Array;
    readonly commission: Float64Array;
    readonly slippage: Float64Array;
    readonly mae: Float64Array;
    readonly mfe: Float64Array;
    readonly barsHeld: Float64Array;
}

/** Equity sampled at every close of the run's shortest timeframe, and at the end. */
export interface RunEquityColumns {
    readonly time: Float64Array;
    readonly equity: Float64Array;
    /** Signed position held from this sample to the next. */
    readonly position: Float64Array;
    /**
     * The instrument's price at each sample (the close of the shortest timeframe's bar, by the run's price
     * source; the last price at the end): the buy-and-hold benchmark. Absent in runs stored before schema 3.
     */
    readonly price?: Float64Array;
}

export interface RunSeriesColumns {
    readonly time: Float64Array;
    readonly value: Float64Array;
}

export interface RunLogColumns {
    readonly time: Float64Array;
    readonly message: readonly string[];
}

/** Everything a finished (or stopped) run produced. */
export interface RunOutput {
    readonly orders: RunOrderColumns;
    readonly events: RunEventColumns;
    readonly trades: RunTradeColumns;
    readonly equity: RunEquityColumns;
    readonly series: Readonly<Record<string, RunSeriesColumns>>;
    readonly logs: RunLogColumns;
    /** Final statistics by id (see the analysis extension's STATISTICS.md); undefined ones are left out. */
    readonly metrics: Readonly<Record<string, number>>;
}

/** A change of the stored runs: a run stored, finished (any final status), deleted, or marked `interrupted` on open. */
export interface RunsChange {
    readonly kind: 'created' | 'finished' | 'deleted' | 'interrupted';
    readonly id: string;
}

export interface RunStore {
    /** Fires after each change this store makes to the runs (whoever asked for it: the engine, the CLI through the workspace's owner). */
    readonly onDidChangeRuns?: Event<RunsChange>;
    /** Records a run as `running` before its first tick. */
    createRun(run: RunRecord): Promise<void>;
    /** Sets the final status and, in one transaction, stores the output (a failed run keeps what it produced). */
    finishRun(id: string, update: Pick<RunRecord, 'status' | 'message' | 'ticks' | 'elapsedMs' | 'firstTime' | 'lastTime' | 'headline'>, output?: RunOutput): Promise<void>;
    /** Newest first. */
    listRuns(): Promise<RunRecord[]>;
    getRun(id: string): Promise<RunRecord | undefined>;
    /** Stores the verdict of the run's look-ahead audit (replacing one stored before). */
    setLookAhead(id: string, lookAhead: RunLookAhead): Promise<void>;
    readOrders(id: string): Promise<RunOrderColumns>;
    /** Events with `from <= time < to` (all when absent). */
    readEvents(id: string, from?: UnixMicros, to?: UnixMicros): Promise<RunEventColumns>;
    readTrades(id: string): Promise<RunTradeColumns>;
    readEquity(id: string): Promise<RunEquityColumns>;
    readSeries(id: string): Promise<Record<string, RunSeriesColumns>>;
    readLogs(id: string): Promise<RunLogColumns>;
    readMetrics(id: string): Promise<Record<string, number>>;
    deleteRun(id: string): Promise<void>;
}
