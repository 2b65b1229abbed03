import * as fs from 'fs';
import * as path from 'path';
import { ILogger } from '@theia/core/lib/common/logger';
import { FileUri } from '@theia/core/lib/common/file-uri';
import { Disposable, DisposableCollection } from '@theia/core/lib/common/disposable';
import { inject, injectable, named, optional, postConstruct } from '@theia/core/shared/inversify';
import { WorkspaceServer } from '@theia/workspace/lib/common';
import { BacktestData, RunRecord, RunStore } from '@backtestr/workspace-store';
import { PluginService } from '@backtestr/plugins';
import { enabledIndicatorsLoaderPath } from '@backtestr/plugins/lib/node';
import { MEMORY_BUDGET_PREFERENCE, parseMemoryBudget, PYTHON_INTERPRETER_PREFERENCE } from '../common/engine-preferences';
import { PreferenceService } from '@theia/core/lib/common/preferences';
import { ActiveRun, EngineClient, EngineErrors, EngineInfo, EngineService, RunRequest, StrategyDescription } from '../common/engine-protocol';
import { ActiveRuns } from './active-runs';
import { BacktestOutcome, BacktestRequest, BacktestServices } from './backtest-runner';
import { auditLookAhead } from './audit/look-ahead-audit';
import { ENGINE_VERSION } from '@backtestr/engine-core';
import { runStrategy } from './strategy-host/strategy-runner';

const STRATEGY_FILE = /\.(ts|js|py)$/;

/** A run's progress is pushed to the clients at most this often (the view's refresh rate); its end always is. */
const PROGRESS_PUSH_MS = 200;

@injectable()
export class EngineServiceImpl implements EngineService {

    @inject(ILogger) @named('engine:EngineServiceImpl')
    protected readonly logger: ILogger;

    /** Bound by the workspace-store extension (the workspace database); without it there are no runs. */
    @inject(RunStore) @optional()
    protected readonly runStoreService?: RunStore;

    @inject(BacktestData) @optional()
    protected readonly dataService?: BacktestData;

    @inject(WorkspaceServer) @optional()
    protected readonly workspaceServer?: WorkspaceServer;

    @inject(PluginService) @optional()
    protected readonly pluginService?: PluginService;

    /** The user's settings (`backtestr.python`); absent in a container without Theia's preferences. */
    @inject(PreferenceService) @optional()
    protected readonly preferences?: PreferenceService;

    /** The runs in progress, of this service and of CLI commands sent to the workspace's owner. */
    @inject(ActiveRuns)
    protected readonly activeRuns: ActiveRuns;

    protected info: EngineInfo | undefined;
    /** When each run's progress was last pushed to the clients (Date.now()), while it runs. */
    protected readonly pushed = new Map<string, number>();
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
        this.toDispose.push(this.activeRuns.onDidChange(() => {
            const running = new Set(this.activeRuns.list().map(r => r.run.id));
            [...this.pushed.keys()].filter(id => !running.has(id)).forEach(id => this.pushed.delete(id));
            this.toClients(c => c.onDidChangeActiveRuns());
        }));
        this.toDispose.push(this.activeRuns.onDidProgress(run => this.pushProgress(run)));
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
            const { MtfEngine } = require('@backtestr/engine-core') as typeof import('@backtestr/engine-core');
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
            return { uri, id: s.id, label: s.label, params: s.paramSpecs, timeframes: s.timeframes, subscribe: s.subscribe, permissions: s.permissions };
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
            throw EngineErrors.RunFailedToStart('No workspace database: the workspace-store extension (@backtestr/workspace-store) is not part of this application.');
        }
        return this.runStoreService;
    }

    protected get data(): BacktestData {
        if (!this.dataService) {
            throw EngineErrors.RunFailedToStart('No market data: the workspace-store extension (@backtestr/workspace-store) is not part of this application.');
        }
        return this.dataService;
    }

    async startRun(request: RunRequest): Promise<RunRecord> {
        const services = { data: this.data, runs: this.runStore, engineVersion: ENGINE_VERSION };
        const plugins = await this.plugins();
        const python = await this.pythonInterpreter();
        const memoryBudgetMiB = await this.memoryBudget();
        return new Promise<RunRecord>((resolve, reject) => {
            let started = false;
            const backtest = (r: BacktestRequest, s: BacktestServices): Promise<BacktestOutcome> => this.activeRuns.run(r, s);
            const run = (r: BacktestRequest): Promise<unknown> => request.verifyLookAhead ? auditLookAhead(r, services, {}, backtest) : backtest(r, services);
            run({
                file: FileUri.fsPath(request.strategy), symbol: request.symbol, kind: request.kind, from: request.from, to: request.to,
                params: request.params, models: request.models, seed: request.seed, priceSource: request.priceSource, session: request.session,
                plugins, python, memoryBudgetMiB,
                onStart: run => {
                    started = true;
                    resolve(run);
                }
            }).catch(error => {
                // Once started, the run's end is stored with it and pushed as a change of the runs.
                if (!started) {
                    reject(EngineErrors.RunFailedToStart(error instanceof Error ? error.message : String(error)));
                }
            });
        });
    }

    async listRuns(): Promise<RunRecord[]> {
        return this.runStore.listRuns();
    }

    async getActiveRuns(): Promise<ActiveRun[]> {
        return this.activeRuns.list();
    }

    /** Pushes a run's progress unless it was pushed less than PROGRESS_PUSH_MS ago (its end is pushed as a change of the runs). */
    protected pushProgress(run: ActiveRun): void {
        const now = Date.now();
        if (this.clients.size === 0 || now - (this.pushed.get(run.run.id) ?? 0) < PROGRESS_PUSH_MS) {
            return;
        }
        this.pushed.set(run.run.id, now);
        this.toClients(c => c.onRunProgress(run));
    }

    async pauseRun(id: string): Promise<void> {
        this.activeRuns.pause(id);
    }

    async resumeRun(id: string): Promise<void> {
        this.activeRuns.resume(id);
    }

    async cancelRun(id: string): Promise<void> {
        this.activeRuns.cancel(id);
    }

    async deleteRun(id: string): Promise<void> {
        if (this.activeRuns.has(id)) {
            await this.cancelRun(id);
        }
        await this.runStore.deleteRun(id);
    }
}
