import * as fs from 'fs';
import * as path from 'path';
import { ILogger } from '@theia/core/lib/common/logger';
import { FileUri } from '@theia/core/lib/common/file-uri';
import { Disposable, DisposableCollection } from '@theia/core/lib/common/disposable';
import { inject, injectable, named, optional, postConstruct } from '@theia/core/shared/inversify';
import { WorkspaceServer } from '@theia/workspace/lib/common';
import { RunProgressFeed } from '@backtestr/analysis';
import { BacktestData, RunRecord, RunStore } from '@backtestr/data-import';
import { PluginService } from '@backtestr/plugins';
import { enabledIndicatorsLoaderPath } from '@backtestr/plugins/lib/node';
import { ContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { RunLiveFeed } from '../common/run-live-feed';
import { MEMORY_BUDGET_PREFERENCE, parseMemoryBudget, PYTHON_INTERPRETER_PREFERENCE } from '../common/engine-preferences';
import { PreferenceService } from '@theia/core/lib/common/preferences';
import { ActiveRun, EngineClient, EngineErrors, EngineInfo, EngineService, RunRequest, StrategyDescription } from '../common/engine-protocol';
import { runBacktest } from './backtest-runner';
import { ENGINE_VERSION } from './engine-version';
import { RunControl, StrategyRunError } from './strategy-host/strategy-run-protocol';
import { runStrategy } from './strategy-host/strategy-runner';

const STRATEGY_FILE = /\.(ts|js|py)$/;

/** A run's progress is pushed to the clients at most this often (the view's refresh rate); its end always is. */
const PROGRESS_PUSH_MS = 200;

interface Active {
    run: RunRecord;
    ticks: number;
    time?: number;
    started: number;
    /** When its progress was last pushed to the clients (Date.now()). */
    pushed: number;
    abort: AbortController;
    control: RunControl;
}

@injectable()
export class EngineServiceImpl implements EngineService {

    @inject(ILogger) @named('engine:EngineServiceImpl')
    protected readonly logger: ILogger;

    /** Bound by the data-import extension (the workspace database); without it there are no runs. */
    @inject(RunStore) @optional()
    protected readonly runStoreService?: RunStore;

    @inject(BacktestData) @optional()
    protected readonly dataService?: BacktestData;

    @inject(WorkspaceServer) @optional()
    protected readonly workspaceServer?: WorkspaceServer;

    @inject(RunProgressFeed) @optional()
    protected readonly progressFeed?: RunProgressFeed;

    @inject(PluginService) @optional()
    protected readonly pluginService?: PluginService;

    /** The user's settings (`backtestr.python`); absent in a container without Theia's preferences. */
    @inject(PreferenceService) @optional()
    protected readonly preferences?: PreferenceService;

    /** Charts following a run (the charts extension binds one); called once per batch of ticks. */
    @inject(ContributionProvider) @named(RunLiveFeed) @optional()
    protected readonly liveFeedProvider?: ContributionProvider<RunLiveFeed>;

    protected get liveFeeds(): RunLiveFeed[] {
        return this.liveFeedProvider?.getContributions() ?? [];
    }

    /** Calls every live feed; a failing one is logged, never fails the run. */
    protected toLiveFeeds(call: (feed: RunLiveFeed) => void): void {
        for (const feed of this.liveFeeds) {
            try {
                call(feed);
            } catch (error) {
                this.logger.warn(`A run live feed failed: ${error instanceof Error ? error.message : String(error)}`);
            }
        }
    }

    protected info: EngineInfo | undefined;
    protected readonly active = new Map<string, Active>();
    /** One per frontend connection (engine-backend-module.ts), removed when it closes. */
    protected readonly clients = new Set<EngineClient>();
    protected readonly toDispose = new DisposableCollection();

    @postConstruct()
    protected init(): void {
        // Every change of the stored runs, whichever code path made it (a run of this service, the CLI through the workspace's owner, a delete, the interrupted sweep).
        const subscription = this.runStoreService?.onDidChangeRuns?.(change => this.toClients(c => c.onDidChangeRuns(change)));
        if (subscription) {
            this.toDispose.push(subscription);
        }
    }

    dispose(): void {
        this.toDispose.dispose();
        this.clients.clear();
    }

    /** Pushes run changes to `client` until the returned disposable is disposed (its connection closed). */
    addClient(client: EngineClient): Disposable {
        this.clients.add(client);
        return Disposable.create(() => this.clients.delete(client));
    }

    /** Calls every client; a failing one (its connection going away) is logged, never fails the run. */
    protected toClients(call: (client: EngineClient) => void): void {
        for (const client of this.clients) {
            try {
                call(client);
            } catch (error) {
                this.logger.warn(`An engine client failed: ${error instanceof Error ? error.message : String(error)}`);
            }
        }
    }

    async getEngineInfo(): Promise<EngineInfo> {
        if (!this.info) {
            this.info = this.probeNative();
        }
        return this.info;
    }

    /** Loads the addon and creates one engine with the default options: proof that it works here. */
    protected probeNative(): EngineInfo {
        try {
            const { MtfEngine } = require('./mtf-engine') as typeof import('./mtf-engine');
            const engine = new MtfEngine();
            return { nativeVersion: ENGINE_VERSION, defaultTimeframes: engine.timeframes };
        } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            this.logger.error(`Native engine failed to load: ${reason}`);
            return { nativeError: reason, defaultTimeframes: [] };
        }
    }

    protected async workspaceRoot(): Promise<string | undefined> {
        const uri = await this.workspaceServer?.getMostRecentlyUsedWorkspace();
        if (!uri) {
            return process.env.BACKTESTR_WORKSPACE;
        }
        const p = FileUri.fsPath(uri);
        return fs.existsSync(p) && fs.statSync(p).isFile() ? path.dirname(p) : p;
    }

    async listStrategyFiles(): Promise<string[]> {
        const root = await this.workspaceRoot();
        const dir = root && path.join(root, 'strategies');
        if (!dir || !fs.existsSync(dir)) {
            return [];
        }
        return fs.readdirSync(dir).filter(f => STRATEGY_FILE.test(f) && !f.endsWith('.d.ts')).sort()
            .map(f => FileUri.create(path.join(dir, f)).toString());
    }

    async describeStrategy(uri: string): Promise<StrategyDescription> {
        try {
            // Loading runs the user's module: do it in a strategy worker, over no ticks.
            // With the plugins and interpreter of a real run, so a strategy that asks for a plugin indicator in onStart describes itself.
            const result = await runStrategy({ file: FileUri.fsPath(uri), source: [], timeoutMs: 30_000, stallTimeoutMs: 10_000,
                plugins: await this.plugins(), python: await this.pythonInterpreter() });
            const s = result.strategy;
            return { uri, id: s.id, label: s.label, params: s.paramSpecs, timeframes: s.timeframes, subscribe: s.subscribe };
        } catch (error) {
            return { uri, error: error instanceof Error ? error.message : String(error) };
        }
    }

    /** The preference `backtestr.python`, read when a run starts (empty: BACKTESTR_PYTHON, else python3). */
    protected async pythonInterpreter(): Promise<string | undefined> {
        if (!this.preferences) {
            return undefined;
        }
        // Never hold a run up on the settings: after 2 s the defaults apply.
        await Promise.race([this.preferences.ready, new Promise(resolve => setTimeout(resolve, 2000))]);
        return this.preferences.get<string>(PYTHON_INTERPRETER_PREFERENCE)?.trim() || undefined;
    }

    /** The preference `backtestr.run.memoryBudget` as MiB (undefined: the default, 2 GiB); an unreadable value is logged and ignored. */
    protected async memoryBudget(): Promise<number | undefined> {
        if (!this.preferences) {
            return undefined;
        }
        await Promise.race([this.preferences.ready, new Promise(resolve => setTimeout(resolve, 2000))]);
        const value = this.preferences.get<string | number>(MEMORY_BUDGET_PREFERENCE);
        if (value === undefined || value === '') {
            return undefined;
        }
        const mib = parseMemoryBudget(value);
        if (mib === undefined) {
            this.logger.warn(`The preference ${MEMORY_BUDGET_PREFERENCE} is '${value}', not a size such as 2G, 512M or a number of MiB: the default applies.`);
        }
        return mib;
    }

    /** The enabled plugins' indicators for `ctx.indicator`: the plugins extension's loader (by path) and folder. */
    protected async plugins(): Promise<{ loader: string; dir: string } | undefined> {
        if (!this.pluginService) {
            return undefined;
        }
        try {
            return { loader: enabledIndicatorsLoaderPath(), dir: await this.pluginService.getPluginDirectory() };
        } catch (error) {
            this.logger.warn(`Plugin indicators are not available to strategies: ${(error as Error).message}`);
            return undefined;
        }
    }

    protected get runStore(): RunStore {
        if (!this.runStoreService) {
            throw EngineErrors.RunFailedToStart('No workspace database: the data-import extension (@backtestr/data-import) is not part of this application.');
        }
        return this.runStoreService;
    }

    protected get data(): BacktestData {
        if (!this.dataService) {
            throw EngineErrors.RunFailedToStart('No market data: the data-import extension (@backtestr/data-import) is not part of this application.');
        }
        return this.dataService;
    }

    async startRun(request: RunRequest): Promise<RunRecord> {
        const services = { data: this.data, runs: this.runStore, engineVersion: ENGINE_VERSION };
        const plugins = await this.plugins();
        const python = await this.pythonInterpreter();
        const memoryBudgetMiB = await this.memoryBudget();
        const abort = new AbortController();
        const control = new RunControl();
        let entry: Active | undefined;
        return new Promise<RunRecord>((resolve, reject) => {
            const done = runBacktest({
                file: FileUri.fsPath(request.strategy), symbol: request.symbol, kind: request.kind, from: request.from, to: request.to,
                params: request.params, models: request.models, seed: request.seed, priceSource: request.priceSource, session: request.session,
                signal: abort.signal, control, plugins, python, memoryBudgetMiB,
                onStart: run => {
                    entry = { run, ticks: 0, started: Date.now(), pushed: 0, abort, control };
                    this.active.set(run.id, entry);
                    this.toClients(c => c.onDidChangeActiveRuns());
                    this.logger.info(`Run ${run.id} of ${run.strategyId} on ${run.config.symbol} started.`);
                    this.progressFeed?.runStarted(run);
                    this.toLiveFeeds(f => f.runStarted?.(run));
                    resolve(run);
                },
                onProgress: (run, progress) => {
                    if (entry) {
                        entry.ticks = progress.ticks;
                        entry.time = progress.time;
                        this.pushProgress(entry);
                    }
                    this.progressFeed?.runProgress(run.id, { ticks: progress.ticks, lastTime: progress.time, equity: progress.equity, trades: progress.trades });
                    const live = progress.live;
                    if (live) {
                        this.toLiveFeeds(f => f.runUpdate?.(run.id, { ticks: progress.ticks, time: progress.time, live, trades: progress.trades }));
                    }
                }
            }, services);
            done.then(outcome => {
                this.logger.info(`Run ${outcome.run.id} finished: ${outcome.result.ticks} ticks in ${Math.round(outcome.result.elapsedMs)} ms.`);
                this.progressFeed?.runFinished(outcome.run.id, 'finished', outcome.output);
                this.toLiveFeeds(f => f.runFinished?.(outcome.run.id, 'finished'));
            }, error => {
                const message = error instanceof Error ? error.message : String(error);
                if (entry) {
                    this.logger.warn(`Run ${entry.run.id} ended: ${message}`);
                    const status = error instanceof StrategyRunError && error.kind === 'cancelled' ? 'cancelled' : 'failed';
                    const runId = entry.run.id;
                    this.progressFeed?.runFinished(runId, status);
                    this.toLiveFeeds(f => f.runFinished?.(runId, status));
                } else {
                    reject(EngineErrors.RunFailedToStart(message));
                }
            }).finally(() => {
                if (entry) {
                    this.active.delete(entry.run.id);
                    this.toClients(c => c.onDidChangeActiveRuns());
                }
            });
        });
    }

    async listRuns(): Promise<RunRecord[]> {
        return this.runStore.listRuns();
    }

    async getActiveRuns(): Promise<ActiveRun[]> {
        return [...this.active.values()].map(a => this.toActiveRun(a));
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

    /** Pushes the run's progress unless it was pushed less than PROGRESS_PUSH_MS ago (its end is pushed as a change of the runs). */
    protected pushProgress(a: Active): void {
        const now = Date.now();
        if (this.clients.size === 0 || now - a.pushed < PROGRESS_PUSH_MS) {
            return;
        }
        a.pushed = now;
        const run = this.toActiveRun(a);
        this.toClients(c => c.onRunProgress(run));
    }

    protected entry(id: string): Active {
        const a = this.active.get(id);
        if (!a) {
            throw EngineErrors.NoSuchRun(id);
        }
        return a;
    }

    async pauseRun(id: string): Promise<void> {
        this.entry(id).control.pause();
        this.toClients(c => c.onDidChangeActiveRuns());
    }

    async resumeRun(id: string): Promise<void> {
        this.entry(id).control.resume();
        this.toClients(c => c.onDidChangeActiveRuns());
    }

    async cancelRun(id: string): Promise<void> {
        const a = this.entry(id);
        a.control.resume();
        a.abort.abort();
    }

    async deleteRun(id: string): Promise<void> {
        if (this.active.has(id)) {
            await this.cancelRun(id);
        }
        await this.runStore.deleteRun(id);
    }
}
