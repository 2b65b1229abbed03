// *****************************************************************************
// One backtest from a strategy file and a dataset to stored results: resolves the dataset,
// records the run, streams its ticks through a strategy worker (the same engine the IDE,
// the CLI and sweeps use), computes the statistics and stores everything in one transaction.
// A failed or cancelled run is stored with its reason.
// *****************************************************************************

import * as crypto from 'crypto';
import { flattenMetrics, runHeadline, runStatistics } from '@backtestr/analysis';
import {
    BacktestData, BacktestDataset, DatasetKind, RunConfig, RunModels, RunOutput, RunRecord, RunStore, UnixMicros
} from '@backtestr/workspace-store';
import { TickBatch } from '@backtestr/plugins-sdk';
import { ParamInput } from '@backtestr/plugins-sdk/host';
import { barTicks } from '@backtestr/engine-core';
import { RunControl, StrategyRunError, StrategyRunProgress, StrategyRunResult } from './strategy-host/strategy-run-protocol';
import { runStrategy } from './strategy-host/strategy-runner';

export interface BacktestRequest {
    /** The strategy file (TypeScript or JavaScript). */
    readonly file: string;
    /** `SYMBOL` or `SYMBOL@venue`. */
    readonly symbol: string;
    readonly kind?: DatasetKind;
    readonly from?: UnixMicros;
    readonly to?: UnixMicros;
    readonly params?: ParamInput;
    /** Default: `last` for trades, `bid` for quotes (the bar cache's convention). */
    readonly priceSource?: 'last' | 'bid' | 'ask' | 'mid';
    /** Default "00:00 UTC". */
    readonly session?: string;
    /** Overrides of the default models: fill by the data kind, touch limits, no slippage or commission, no latency, 100,000 cash. */
    readonly models?: Partial<RunModels>;
    /** Seed of the random slippage; default 1. */
    readonly seed?: number;
    readonly timeoutMs?: number;
    readonly stallTimeoutMs?: number;
    /** Memory budget of the strategy (JS heap and ArrayBuffers), MiB; default 2048. */
    readonly memoryBudgetMiB?: number;
    readonly signal?: AbortSignal;
    readonly control?: RunControl;
    /** Plugin indicators for `ctx.indicator` (see StrategyEngineOptions.plugins). */
    readonly plugins?: { readonly loader: string; readonly dir: string };
    /** The Python interpreter for `.py` strategies (see StrategyEngineOptions.python). */
    readonly python?: string;
    /** Called once the run is recorded, before its first tick. */
    onStart?(run: RunRecord): void;
    onProgress?(run: RunRecord, progress: StrategyRunProgress): void;
}

export interface BacktestServices {
    readonly data: BacktestData;
    /** Where the run is stored; not stored when absent. */
    readonly runs?: RunStore;
    readonly engineVersion: string;
}

export interface BacktestOutcome {
    readonly run: RunRecord;
    readonly result: StrategyRunResult;
    readonly output: RunOutput;
}

export function defaultModels(kind: DatasetKind, overrides: Partial<RunModels> = {}): RunModels {
    return {
        fill: kind === 'quotes' ? 'quote' : kind === 'bars' ? 'bar' : 'trade', limitFill: 'touch', slippage: { kind: 'none' }, commission: {}, latencyMicros: 0,
        initialCash: 100_000, ...overrides
    };
}

/** A new run id: time-ordered, unique. */
export function newRunId(now = Date.now()): string {
    return `${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${crypto.randomBytes(3).toString('hex')}`;
}

export function runOutput(result: StrategyRunResult, metrics: Record<string, number>): RunOutput {
    const x = result.execution;
    const o = x.orders;
    return {
        orders: { id: o.id, time: o.time, type: o.type, side: o.side, qty: o.qty, limit: o.limit, stop: o.stop, tif: o.tif, tag: o.tag },
        events: x.events, trades: x.trades, equity: x.equity, series: result.series,
        logs: { time: result.logs.time, message: result.logs.message }, metrics
    };
}

/**
 * The run's ticks: the dataset's ticks, or for a bars dataset each bar as its intrabar path of four
 * points (open, nearer extreme, farther extreme, close) at the bar's time (native/README.md).
 */
async function* runTicks(data: BacktestData, target: BacktestDataset, from?: UnixMicros, to?: UnixMicros): AsyncGenerator<TickBatch> {
    if (target.dataset.kind === 'bars') {
        for await (const bars of data.streamBars(target, { from, to })) {
            yield barTicks(bars);
        }
    } else {
        yield* data.streamTicks(target, { from, to });
    }
}

export async function runBacktest(request: BacktestRequest, services: BacktestServices): Promise<BacktestOutcome> {
    const target = await services.data.resolve(request.symbol, request.kind);
    const { instrument, dataset } = target;
    const models = defaultModels(dataset.kind, request.models);
    const priceSource = dataset.kind === 'bars' ? 'last' : request.priceSource ?? (dataset.kind === 'quotes' ? 'bid' : 'last');
    const seed = request.seed ?? 1;
    const createdAt = Date.now() * 1000;
    let run: RunRecord = {
        id: newRunId(), createdAt, status: 'running', strategyId: '?', sourceHash: '', engineVersion: services.engineVersion,
        instrumentId: instrument.id,
        config: {
            strategyFile: request.file, symbol: `${instrument.symbol}@${instrument.venue}`, kind: dataset.kind,
            // The effective range: what was asked, within the dataset.
            from: Math.max(request.from ?? dataset.firstTime, dataset.firstTime), to: Math.min(request.to ?? dataset.lastTime + 1, dataset.lastTime + 1),
            params: {}, timeframes: [], priceSource, session: request.session ?? '00:00 UTC', models, seed,
            tickSize: instrument.tickSize, multiplier: instrument.multiplier
        } as RunConfig
    };
    let recorded = false;
    const started = performance.now();
    let lastProgress: StrategyRunProgress | undefined;
    try {
        const result = await runStrategy({
            file: request.file, params: request.params, source: runTicks(services.data, target, request.from, request.to),
            priceSource, session: request.session, timeoutMs: request.timeoutMs, stallTimeoutMs: request.stallTimeoutMs, memoryBudgetMiB: request.memoryBudgetMiB, signal: request.signal, control: request.control, plugins: request.plugins,
            python: request.python,
            instrument: { symbol: instrument.symbol, tickSize: instrument.tickSize, lotSize: instrument.lotSize, multiplier: instrument.multiplier },
            execution: {
                fill: models.fill, limitFill: models.limitFill, initialCash: models.initialCash, commission: models.commission,
                latencyMicros: models.latencyMicros,
                slippage: models.slippage.kind === 'none' ? { kind: 'none' }
                    : models.slippage.kind === 'random' ? { kind: 'random', maxTicks: models.slippage.maxTicks, seed }
                        : { kind: models.slippage.kind, value: models.slippage.value }
            },
            onReady: async strategy => {
                run = {
                    ...run, strategyId: strategy.id, strategyLabel: strategy.label, sourceHash: strategy.sourceHash,
                    config: { ...run.config, strategyFile: strategy.file, params: strategy.params, timeframes: strategy.timeframes, ...strategy.permissions ? { permissions: strategy.permissions } : {} }
                };
                if (services.runs) {
                    await services.runs.createRun(run);
                    recorded = true;
                }
                request.onStart?.(run);
            },
            onProgress: progress => {
                lastProgress = progress;
                request.onProgress?.(run, progress);
            }
        });
        const statistics = runStatistics(run, result.execution);
        const output = runOutput(result, flattenMetrics(statistics));
        run = {
            ...run, status: 'finished', ticks: result.ticks, elapsedMs: result.elapsedMs, firstTime: result.firstTime, lastTime: result.lastTime,
            headline: runHeadline(statistics)
        };
        if (services.runs && recorded) {
            await services.runs.finishRun(run.id, run, output);
            run = (await services.runs.getRun(run.id)) ?? run;
        }
        return { run, result, output };
    } catch (error) {
        const status = error instanceof StrategyRunError && error.kind === 'cancelled' ? 'cancelled' : 'failed';
        const message = error instanceof Error ? error.message : String(error);
        if (services.runs && recorded) {
            await services.runs.finishRun(run.id, {
                status, message, ticks: lastProgress?.ticks, elapsedMs: performance.now() - started, lastTime: lastProgress?.time
            }).catch(() => undefined);
        }
        throw error;
    }
}
