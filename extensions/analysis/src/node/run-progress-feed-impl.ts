// *****************************************************************************
// RunProgressFeedImpl: keeps a StatisticsAccumulator per running run, fed by the engine's
// progress batches, and pushes the live headline figures to every connected frontend at most
// once per `minIntervalMs` per run (and always when the run starts and ends).
// *****************************************************************************

import { Disposable } from '@theia/core/lib/common/disposable';
import { ILogger } from '@theia/core/lib/common/logger';
import { inject, injectable, named } from '@theia/core/shared/inversify';
import { AnalysisClient, RunChangeEvent, RunProgressBatch, RunProgressFeed } from '../common/analysis-protocol';
import { headlineMetrics, toTradeColumns } from '../common/run-analysis';
import { RunEquityColumns, RunOutput, RunRecord, RunStatus, RunTradeColumns } from '../common/run-store';
import { tradeAt } from '../common/statistics/compute-statistics';
import { StatisticsAccumulator } from '../common/statistics/statistics-accumulator';

interface LiveRun {
    readonly accumulator: StatisticsAccumulator;
    ticks: number;
    lastTime?: number;
    samples: number;
    trades: number;
    lastEmit: number;
}

@injectable()
export class RunProgressFeedImpl implements RunProgressFeed {

    @inject(ILogger) @named('analysis:RunProgressFeedImpl')
    protected readonly logger: ILogger;

    /** Least time between two pushes of one run's figures. */
    minIntervalMs = 1000;

    protected readonly clients = new Set<AnalysisClient>();
    protected readonly runs = new Map<string, LiveRun>();

    addClient(client: AnalysisClient): Disposable {
        this.clients.add(client);
        return Disposable.create(() => this.clients.delete(client));
    }

    /** The last figures of a running run (undefined when it is not running). */
    liveEvent(runId: string): RunChangeEvent | undefined {
        const live = this.runs.get(runId);
        return live && this.event(runId, 'running', live);
    }

    runStarted(run: RunRecord): void {
        const live: LiveRun = { accumulator: new StatisticsAccumulator(run.config.models.initialCash), ticks: 0, samples: 0, trades: 0, lastEmit: -Infinity };
        this.runs.set(run.id, live);
        this.emit({ runId: run.id, status: 'running', ticks: 0 });
    }

    runProgress(runId: string, batch: RunProgressBatch): void {
        const live = this.runs.get(runId);
        if (!live) {
            return;
        }
        this.add(live, batch.equity, batch.trades);
        live.ticks = batch.ticks;
        live.lastTime = batch.lastTime ?? live.lastTime;
        const now = Date.now();
        if (now - live.lastEmit >= this.minIntervalMs) {
            live.lastEmit = now;
            this.emit(this.event(runId, 'running', live));
        }
    }

    runFinished(runId: string, status: RunStatus, output?: Pick<RunOutput, 'equity' | 'trades'>): void {
        const live = this.runs.get(runId);
        this.runs.delete(runId);
        if (live && output) {
            this.add(live, output.equity, output.trades, live.samples, live.trades);
        }
        this.emit(live ? this.event(runId, status, live) : { runId, status });
    }

    /** Adds the samples and trades of `equity` and `trades` from the given row on. */
    protected add(live: LiveRun, equity: RunEquityColumns | undefined, trades: RunTradeColumns | undefined, fromSample = 0, fromTrade = 0): void {
        if (equity) {
            for (let i = fromSample; i < equity.time.length; i++) {
                live.accumulator.addEquity(equity.time[i], equity.equity[i], equity.position[i]);
                if (equity.price) {
                    live.accumulator.addBenchmark(equity.time[i], equity.price[i]);
                }
            }
            live.samples += Math.max(0, equity.time.length - fromSample);
        }
        if (trades && trades.pnl.length > fromTrade) {
            const columns = toTradeColumns(trades);
            for (let i = fromTrade; i < trades.pnl.length; i++) {
                live.accumulator.addTrade(tradeAt(columns, i));
            }
            live.trades += trades.pnl.length - fromTrade;
        }
    }

    protected event(runId: string, status: RunStatus, live: LiveRun): RunChangeEvent {
        return {
            runId, status, ticks: live.ticks, lastTime: live.lastTime, equitySamples: live.samples,
            headline: headlineMetrics(live.accumulator.snapshot())
        };
    }

    protected emit(event: RunChangeEvent): void {
        for (const client of this.clients) {
            try {
                Promise.resolve(client.onDidChangeRun(event)).catch(error => this.logger.warn(`run ${event.runId}: a frontend missed a change: ${error}`));
            } catch (error) {
                this.logger.warn(`run ${event.runId}: a frontend missed a change: ${error}`);
            }
        }
    }
}
