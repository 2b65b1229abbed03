// *****************************************************************************
// Installs, updates, enables, disables and uninstalls run-time plugins in one plugin directory,
// runs each enabled plugin in its own host process and registers its contributions. A plugin that
// fails (load error, throw, hang, malformed output, its host dying) is stopped, marked failed with
// its error and its contributions removed; the others go on. A plugin being enabled is recorded
// `enabling` and becomes `enabled` only once it has passed its first calls, so a plugin that took
// BackTestr down while being enabled is found `enabling` at the next start and failed, not loaded again.
// *****************************************************************************
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { Disposable, DisposableCollection } from '@theia/core/lib/common/disposable';
import { Emitter } from '@theia/core/lib/common/event';
import {
    ContributionOrigin, DataSourceFile, ImportedTicks, IndicatorSeries, IndicatorSeriesRequest, ReportSectionData, ReportSectionInput
} from '../common/plugin-contribution';
import { CONTRIBUTION_KIND_LABELS, CONTRIBUTION_KINDS } from '../common/plugin-manifest';
import { InstalledPlugin, PluginContributionSummary, PluginErrors, PluginSource } from '../common/plugin-protocol';
import { copyPluginFolder, npmPack, unpackTarball } from './plugin-archive';
import { PluginContributionRegistryImpl } from './plugin-contribution-registry-impl';
import { PluginHost, PluginHostFault, PluginHostOptions } from './plugin-host';
import { LoadedContributions } from './plugin-host-protocol';
import { PluginPackage, readPluginPackage, sdkVersion } from './plugin-manifest-reader';
import { PluginRecord, PluginStore } from './plugin-store';

export interface PluginManagerOptions extends PluginHostOptions {
    readonly directory: string;
    readonly registry: PluginContributionRegistryImpl;
    /** The SDK version plugins are checked against (default: the installed @backtestr/plugins-sdk's). */
    readonly sdkVersion?: string;
}

interface Running {
    readonly host: PluginHost;
    readonly contributions: DisposableCollection;
}

/** The first lines of a stack: enough to find the plugin's line, short enough for the view. */
function shortStack(text: string, lines = 4): string {
    return text.split('\n').filter(line => !/\(node:internal\/|plugin-host-process\.js|^\s+at node:internal\//.test(line)).slice(0, lines).join('\n');
}

/** Whether process `pid` runs (on this machine). */
function processRuns(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
}

/** The reason a plugin found `enabling` by a start is failed with. */
export const DIED_WHILE_ENABLING = 'BackTestr stopped while the plugin was being enabled (it, or the plugin\'s host, ended before the plugin '
    + 'had passed its first calls), so it was not loaded again: enable it to try again, or uninstall it.';

export class PluginManager implements Disposable {
    readonly store: PluginStore;
    readonly registry: PluginContributionRegistryImpl;
    protected readonly sdkVersion: string;
    protected readonly hostOptions: PluginHostOptions;
    protected readonly running = new Map<string, Running>();
    protected queue: Promise<unknown> = Promise.resolve();
    protected readonly onDidChangeEmitter = new Emitter<void>();
    readonly onDidChange = this.onDidChangeEmitter.event;

    constructor(options: PluginManagerOptions) {
        this.store = new PluginStore(options.directory);
        this.registry = options.registry;
        this.sdkVersion = options.sdkVersion ?? sdkVersion();
        this.hostOptions = { callTimeoutMs: options.callTimeoutMs, loadTimeoutMs: options.loadTimeoutMs };
    }

    get directory(): string {
        return this.store.directory;
    }

    /**
     * Starts every plugin recorded as enabled (`only`: those whose manifest passes, e.g. the data-source plugins for a CLI import).
     * A plugin left `enabling` by a process that is gone is marked failed instead (one that another process, e.g. the
     * workbench while the CLI starts, is enabling right now is left to it).
     */
    start(only?: (contributes: PluginPackage['manifest']['contributes']) => boolean): Promise<void> {
        return this.exclusive(async () => {
            for (const [id, record] of Object.entries(this.store.read())) {
                if (record.state === 'enabling' && !(record.enablingPid !== undefined && processRuns(record.enablingPid))) {
                    this.fail(id, DIED_WHILE_ENABLING);
                } else if (record.state === 'enabled' && (!only || this.contributesTo(id, only))) {
                    await this.activate(id);
                }
            }
        });
    }

    /** Resolves once every change queued so far (installs, the start, faults) is done. */
    whenIdle(): Promise<void> {
        return this.exclusive(async () => undefined);
    }

    list(): InstalledPlugin[] {
        return Object.entries(this.store.read()).map(([id, record]) => this.describe(id, record)).sort((a, b) => a.displayName.localeCompare(b.displayName));
    }

    get(id: string): InstalledPlugin {
        const record = this.store.get(id);
        if (!record) {
            throw PluginErrors.NotInstalled(id);
        }
        return this.describe(id, record);
    }

    install(source: PluginSource): Promise<InstalledPlugin> {
        return this.exclusive(() => this.doInstall(source));
    }

    update(id: string): Promise<InstalledPlugin> {
        return this.exclusive(async () => {
            const record = this.store.get(id);
            if (!record) {
                throw PluginErrors.NotInstalled(id);
            }
            return this.doInstall(record.source, id);
        });
    }

    enable(id: string): Promise<InstalledPlugin> {
        return this.exclusive(async () => {
            const record = this.store.get(id);
            if (!record) {
                throw PluginErrors.NotInstalled(id);
            }
            if (!this.running.has(id)) {
                this.store.set(id, { source: record.source, installedAt: record.installedAt, state: 'enabling', enablingPid: process.pid });
                await this.activate(id);
                this.onDidChangeEmitter.fire();
            }
            return this.get(id);
        });
    }

    disable(id: string): Promise<InstalledPlugin> {
        return this.exclusive(async () => {
            const record = this.store.get(id);
            if (!record) {
                throw PluginErrors.NotInstalled(id);
            }
            await this.deactivate(id);
            this.store.set(id, { source: record.source, installedAt: record.installedAt, state: 'disabled' });
            this.onDidChangeEmitter.fire();
            return this.get(id);
        });
    }

    uninstall(id: string): Promise<void> {
        return this.exclusive(async () => {
            if (!this.store.get(id)) {
                throw PluginErrors.NotInstalled(id);
            }
            await this.deactivate(id);
            fs.rmSync(this.store.folderOf(id), { recursive: true, force: true });
            this.store.set(id, undefined);
            this.onDidChangeEmitter.fire();
        });
    }

    async computeIndicator(request: IndicatorSeriesRequest): Promise<IndicatorSeries> {
        const { host, origin } = this.hostOf('indicators', request.indicatorId);
        const result = await this.guard(origin.id, host.call('computeIndicator', request));
        const descriptor = this.registry.getDescriptor('indicators', request.indicatorId);
        const values: Record<string, Float64Array> = {};
        descriptor?.kind === 'indicators' && descriptor.outputs.forEach((o, i) => values[o.id] = result.values[i]);
        return { indicatorId: request.indicatorId, time: request.bars.time, values, defined: result.defined };
    }

    /**
     * Reads a file with a plugin's data source. The file's bytes are copied to the plugin host process (only the
     * bytes of the view), and the columns back. The call may take 30 s plus 1 s per 10 MB before the plugin counts as hung.
     */
    async importFile(dataSourceId: string, file: DataSourceFile): Promise<ImportedTicks> {
        const { host, origin } = this.hostOf('dataSources', dataSourceId);
        const timeoutMs = Math.max(this.hostOptions.callTimeoutMs ?? 5000, 30_000 + file.bytes.byteLength / 10_000);
        return await this.guard(origin.id, host.call('importFile', { dataSourceId, file: { name: file.name, bytes: file.bytes } }, timeoutMs)) as ImportedTicks;
    }

    async renderReportSection(sectionId: string, input: ReportSectionInput): Promise<ReportSectionData> {
        const { host, origin } = this.hostOf('reportSections', sectionId);
        return await this.guard(origin.id, host.call('renderReportSection', { sectionId, input })) as ReportSectionData;
    }

    /** Stops every plugin host (the state file keeps what is enabled for the next start). */
    dispose(): void {
        for (const id of [...this.running.keys()]) {
            void this.deactivate(id);
        }
    }

    protected hostOf(kind: 'indicators' | 'dataSources' | 'reportSections', id: string): { host: PluginHost; origin: ContributionOrigin } {
        const descriptor = this.registry.getDescriptor(kind, id);
        const running = descriptor?.origin.kind === 'plugin' ? this.running.get(descriptor.origin.id) : undefined;
        if (!descriptor || !running) {
            throw PluginErrors.UnknownContribution(CONTRIBUTION_KIND_LABELS[kind], id);
        }
        return { host: running.host, origin: descriptor.origin };
    }

    /** A fault of a call disables the plugin and becomes a `PluginFailed` error naming it. */
    protected async guard<T>(pluginId: string, call: Promise<T>): Promise<T> {
        try {
            return await call;
        } catch (error) {
            if (error instanceof PluginHostFault) {
                const message = this.describeFault(error);
                await this.exclusive(async () => this.fail(pluginId, message));
                throw PluginErrors.PluginFailed(pluginId, message);
            }
            throw error;
        }
    }

    protected describeFault(fault: PluginHostFault): string {
        switch (fault.kind) {
            case 'load': return `load error: ${shortStack(fault.message, 6)}`;
            case 'throw': return `threw: ${shortStack(fault.message)}`;
            case 'malformed': return `malformed output: ${fault.message}`;
            case 'timeout': return `hung: ${fault.message}`;
            case 'crash': return shortStack(fault.message);
        }
    }

    protected async doInstall(source: PluginSource, expectedId?: string): Promise<InstalledPlugin> {
        const staging = this.store.stagingFolder();
        try {
            const folder = await this.stage(source, staging);
            const pkg = readPluginPackage(folder, this.sdkVersion);
            const id = pkg.manifest.id;
            if (expectedId !== undefined && id !== expectedId) {
                throw PluginErrors.InvalidManifest(source.location, [{ field: 'backtestr.id', message: `is '${id}', but the plugin being updated is '${expectedId}'.` }]);
            }
            await this.deactivate(id);
            const target = this.store.folderOf(id);
            fs.rmSync(target, { recursive: true, force: true });
            fs.renameSync(folder, target);
            this.store.set(id, { state: 'enabling', enablingPid: process.pid, source: this.normalize(source), installedAt: new Date().toISOString() });
            await this.activate(id);
            this.onDidChangeEmitter.fire();
            return this.get(id);
        } finally {
            fs.rmSync(staging, { recursive: true, force: true });
        }
    }

    /** Puts the package named by `source` into `staging`; returns its folder. */
    protected async stage(source: PluginSource, staging: string): Promise<string> {
        if (source.kind === 'npm') {
            try {
                const tarball = await npmPack(source.location.trim(), path.join(staging, 'npm'));
                return await unpackTarball(tarball, path.join(staging, 'unpacked'));
            } catch (error) {
                throw PluginErrors.SourceNotFound(source, error instanceof Error ? error.message : String(error));
            }
        }
        const location = this.toPath(source.location);
        const stat = fs.statSync(location, { throwIfNoEntry: false });
        if (source.kind === 'folder') {
            if (!stat?.isDirectory()) {
                throw PluginErrors.SourceNotFound(source, stat ? 'it is not a folder.' : 'it does not exist.');
            }
            const target = path.join(staging, 'package');
            try {
                copyPluginFolder(location, target);
            } catch (error) {
                throw PluginErrors.SourceNotFound(source, error instanceof Error ? error.message : String(error));
            }
            return target;
        }
        if (!stat?.isFile()) {
            throw PluginErrors.SourceNotFound(source, stat ? 'it is not a file.' : 'it does not exist.');
        }
        try {
            return await unpackTarball(location, path.join(staging, 'unpacked'));
        } catch (error) {
            throw PluginErrors.SourceNotFound(source, error instanceof Error ? error.message : String(error));
        }
    }

    protected toPath(location: string): string {
        const trimmed = location.trim();
        return path.resolve(trimmed.startsWith('file://') ? fileURLToPath(trimmed) : trimmed);
    }

    protected normalize(source: PluginSource): PluginSource {
        return source.kind === 'npm' ? { kind: 'npm', location: source.location.trim() } : { kind: source.kind, location: this.toPath(source.location) };
    }

    /**
     * Loads, checks and exercises a plugin in a new host, then registers its contributions; on a fault marks it failed.
     * A plugin being enabled (`enabling`) is recorded `enabled` only after it has passed those calls with its host alive.
     */
    protected async activate(id: string): Promise<void> {
        await this.deactivate(id);
        let host: PluginHost | undefined;
        try {
            const pkg = readPluginPackage(this.store.folderOf(id), this.sdkVersion);
            host = new PluginHost(id, pkg.engineEntry, this.hostOptions, fault => {
                // A fault outside a call (an uncaught error in a timer of the plugin, its host process dying).
                if (this.running.get(id)?.host === host) {
                    void this.exclusive(async () => this.fail(id, this.describeFault(fault)));
                }
            });
            const loaded = await host.call('load', undefined, host.loadTimeoutMs);
            this.checkAgainstManifest(pkg, loaded);
            await host.call('exercise', undefined, host.loadTimeoutMs);
            if (!host.alive) {
                throw new PluginHostFault('crash', 'the plugin host ended right after its first calls.');
            }
            const contributions = this.register(id, loaded);
            this.running.set(id, { host, contributions });
            const record = this.store.get(id);
            if (record?.state === 'enabling') {
                this.store.set(id, { source: record.source, installedAt: record.installedAt, state: 'enabled' });
            }
        } catch (error) {
            await host?.dispose();
            const message = error instanceof PluginHostFault ? this.describeFault(error) : error instanceof Error ? error.message : String(error);
            this.fail(id, message);
        }
    }

    protected contributesTo(id: string, only: (contributes: PluginPackage['manifest']['contributes']) => boolean): boolean {
        try {
            return only(readPluginPackage(this.store.folderOf(id), this.sdkVersion).manifest.contributes);
        } catch {
            return true; // Started, so that the problem is reported as its failure.
        }
    }

    protected checkAgainstManifest(pkg: PluginPackage, loaded: LoadedContributions): void {
        const problems: string[] = [];
        for (const kind of CONTRIBUTION_KINDS) {
            const declared = new Set(pkg.manifest.contributes[kind] ?? []);
            const exported = new Set(loaded[kind].map(c => c.id));
            for (const id of declared) {
                if (!exported.has(id)) {
                    problems.push(`backtestr.contributes.${kind} lists ${CONTRIBUTION_KIND_LABELS[kind]} '${id}', but ${pkg.manifest.engine} does not export it.`);
                }
            }
            for (const id of exported) {
                if (!declared.has(id)) {
                    problems.push(`${pkg.manifest.engine} exports ${CONTRIBUTION_KIND_LABELS[kind]} '${id}', which backtestr.contributes.${kind} does not list: add it.`);
                }
            }
        }
        if (problems.length > 0) {
            throw new PluginHostFault('load', problems.join('\n'));
        }
    }

    protected register(id: string, loaded: LoadedContributions): DisposableCollection {
        const origin: ContributionOrigin = { kind: 'plugin', id };
        const collection = new DisposableCollection();
        try {
            for (const i of loaded.indicators) {
                collection.push(this.registry.registerIndicator({ kind: 'indicators', origin, ...i }));
            }
            for (const s of loaded.dataSources) {
                collection.push(this.registry.registerDataSource({ kind: 'dataSources', origin, ...s }, { importFile: file => this.importFile(s.id, file) }));
            }
            for (const s of loaded.strategies) {
                collection.push(this.registry.registerStrategy({ kind: 'strategies', origin, ...s }));
            }
            for (const s of loaded.reportSections) {
                collection.push(this.registry.registerReportSection({ kind: 'reportSections', origin, ...s }, { render: input => this.renderReportSection(s.id, input) }));
            }
        } catch (error) {
            collection.dispose();
            throw error;
        }
        return collection;
    }

    protected async deactivate(id: string): Promise<void> {
        const running = this.running.get(id);
        if (running) {
            this.running.delete(id);
            running.contributions.dispose();
            await running.host.dispose();
        }
    }

    protected fail(id: string, error: string): void {
        const running = this.running.get(id);
        if (running) {
            this.running.delete(id);
            running.contributions.dispose();
            void running.host.dispose();
        }
        const record = this.store.get(id);
        if (record) {
            this.store.set(id, { source: record.source, installedAt: record.installedAt, state: 'failed', error });
        }
        this.onDidChangeEmitter.fire();
    }

    protected describe(id: string, record: PluginRecord): InstalledPlugin {
        let pkg: PluginPackage | undefined;
        let error = record.error;
        try {
            pkg = readPluginPackage(this.store.folderOf(id), this.sdkVersion);
        } catch (e) {
            error = error ?? (e instanceof Error ? e.message : String(e));
        }
        const contributions: PluginContributionSummary[] = pkg
            ? CONTRIBUTION_KINDS.flatMap(kind => (pkg.manifest.contributes[kind] ?? []).map(cid => ({ kind, id: cid })))
            : [];
        const state = record.state === 'enabled' && !this.running.has(id) && error ? 'failed' : record.state;
        return {
            id,
            name: pkg?.name ?? id,
            displayName: pkg?.manifest.displayName ?? id,
            version: pkg?.manifest.version ?? '?',
            publisher: pkg?.manifest.publisher ?? '?',
            description: pkg?.manifest.description,
            sdk: pkg?.manifest.sdk ?? '?',
            contributions,
            state,
            error: state === 'failed' ? error : undefined,
            source: record.source,
            installedAt: record.installedAt
        };
    }

    /** Runs `task` after every earlier mutation finished (installs, enables and faults never interleave). */
    protected exclusive<T>(task: () => Promise<T>): Promise<T> {
        const next = this.queue.then(task, task);
        this.queue = next.catch(() => undefined);
        return next;
    }
}
