// *****************************************************************************
// The runs in progress of this process, whoever started them: the Runs view's "Run Backtest" (EngineServiceImpl)
// and a `backtestr run` that a terminal sent to the workspace's owner (the CLI's backend module). Each is
// listed with its progress, can be paused, resumed and cancelled from the IDE, and feeds the live charts and
// the live dashboard; one code path for both, so a run from the CLI is not a second kind of run.
// *****************************************************************************

import { ILogger } from '@theia/core/lib/common/logger';
import { Emitter, Event } from '@theia/core/lib/common/event';
import { ContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { inject, injectable, named, optional } from '@theia/core/shared/inversify';
import { RunProgressFeed } from '@backtestr/analysis';
import { RunRecord } from '@backtestr/workspace-store';
import { RunLiveFeed } from '../common/run-live-feed';
import { ActiveRun, EngineErrors } from '../common/engine-protocol';
import { BacktestOutcome, BacktestRequest, BacktestServices, runBacktest } from './backtest-runner';
import { RunControl, StrategyRunError } from './strategy-host/strategy-run-protocol';

interface Active {
    readonly run: RunRecord;
    ticks: number;
    time?: number;
    readonly started: number;
    readonly abort: AbortController;
    readonly control: RunControl;
}

@injectable()
export class ActiveRuns {

    @inject(ILogger) @named('engine:ActiveRuns')
    protected readonly logger: ILogger;

    @inject(RunProgressFeed) @optional()
    protected readonly progressFeed?: RunProgressFeed;

    /** Charts following a run (the charts extension binds one); called once per batch of ticks. */
    @inject(ContributionProvider) @named(RunLiveFeed) @optional()
    protected readonly liveFeedProvider?: ContributionProvider<RunLiveFeed>;

    protected readonly active = new Map<string, Active>();

    protected readonly onDidChangeEmitter = new Emitter<void>();
    /** A run entered or left the list, or was paused or resumed. */
    readonly onDidChange: Event<void> = this.onDidChangeEmitter.event;

    protected readonly onDidProgressEmitter = new Emitter<ActiveRun>();
    /** A run advanced (once per batch of ticks; listeners throttle). */
    readonly onDidProgress: Event<ActiveRun> = this.onDidProgressEmitter.event;

    /**
     * Runs the backtest as one of this process's runs in progress. The request's own onStart, onProgress and
     * signal keep working (a CLI client's progress line and its going away); cancelling it here aborts it too.
     */
    run(request: BacktestRequest, services: BacktestServices): Promise<BacktestOutcome> {
        const abort = new AbortController();
        const stopWithClient = (): void => abort.abort();
        if (request.signal?.aborted) {
            abort.abort();
        } else {
            request.signal?.addEventListener('abort', stopWithClient, { once: true });
        }
        const control = request.control ?? new RunControl();
        let entry: Active | undefined;
        const done = runBacktest({
            ...request, signal: abort.signal, control,
            onStart: run => {
                entry = { run, ticks: 0, started: Date.now(), abort, control };
                this.active.set(run.id, entry);
                this.logger.info(`Run ${run.id} of ${run.strategyId} on ${run.config.symbol} started.`);
                this.progressFeed?.runStarted(run);
                this.toLiveFeeds(f => f.runStarted?.(run));
                this.onDidChangeEmitter.fire();
                request.onStart?.(run);
            },
            onProgress: (run, progress) => {
                if (entry) {
                    entry.ticks = progress.ticks;
                    entry.time = progress.time;
                    this.onDidProgressEmitter.fire(this.toActiveRun(entry));
                }
                this.progressFeed?.runProgress(run.id, { ticks: progress.ticks, lastTime: progress.time, equity: progress.equity, trades: progress.trades });
                const live = progress.live;
                if (live) {
                    this.toLiveFeeds(f => f.runUpdate?.(run.id, { ticks: progress.ticks, time: progress.time, live, trades: progress.trades }));
                }
                request.onProgress?.(run, progress);
            }
        }, services);
        return done.then(outcome => {
            this.logger.info(`Run ${outcome.run.id} finished: ${outcome.result.ticks} ticks in ${Math.round(outcome.result.elapsedMs)} ms.`);
            this.progressFeed?.runFinished(outcome.run.id, 'finished', outcome.output);
            this.toLiveFeeds(f => f.runFinished?.(outcome.run.id, 'finished'));
            return outcome;
        }, error => {
            if (entry) {
                const runId = entry.run.id;
                this.logger.warn(`Run ${runId} ended: ${error instanceof Error ? error.message : String(error)}`);
                const status = error instanceof StrategyRunError && error.kind === 'cancelled' ? 'cancelled' : 'failed';
                this.progressFeed?.runFinished(runId, status);
                this.toLiveFeeds(f => f.runFinished?.(runId, status));
            }
            throw error;
        }).finally(() => {
            request.signal?.removeEventListener('abort', stopWithClient);
            if (entry) {
                this.active.delete(entry.run.id);
                this.onDidChangeEmitter.fire();
            }
        });
    }

    list(): ActiveRun[] {
        return [...this.active.values()].map(a => this.toActiveRun(a));
    }

    has(id: string): boolean {
        return this.active.has(id);
    }

    pause(id: string): void {
        this.entry(id).control.pause();
        this.onDidChangeEmitter.fire();
    }

    resume(id: string): void {
        this.entry(id).control.resume();
        this.onDidChangeEmitter.fire();
    }

    cancel(id: string): void {
        const a = this.entry(id);
        a.control.resume();
        a.abort.abort();
    }

    protected entry(id: string): Active {
        const a = this.active.get(id);
        if (!a) {
            throw EngineErrors.NoSuchRun(id);
        }
        return a;
    }

    protected toActiveRun(a: Active): ActiveRun {
        const from = a.run.config.from;
        const to = a.run.config.to;
        const first = from ?? a.run.firstTime;
        let percent = 0;
        if (a.time !== undefined && first !== undefined && to !== undefined && to > first) {
            percent = Math.max(0, Math.min(100, (a.time - first) / (to - first) * 100));
        }
        return { run: a.run, ticks: a.ticks, time: a.time, percent, paused: a.control.paused, elapsedMs: Date.now() - a.started };
    }

    /** Calls every live feed; a failing one is logged, never fails the run. */
    protected toLiveFeeds(call: (feed: RunLiveFeed) => void): void {
        for (const feed of this.liveFeedProvider?.getContributions() ?? []) {
            try {
                call(feed);
            } catch (error) {
                this.logger.warn(`A run live feed failed: ${error instanceof Error ? error.message : String(error)}`);
            }
        }
    }
}
