// *****************************************************************************
// The Plugins service: plain data between the Plugins view and the plugin host.
// *****************************************************************************
import { ApplicationError } from '@theia/core/lib/common/application-error';
import { RpcServer } from '@theia/core/lib/common/messaging/proxy-factory';
import { ContributionDescriptor, IndicatorSeries, IndicatorSeriesRequest, ReportSectionData, ReportSectionInput } from './plugin-contribution';
import { ContributionKind, ManifestProblem } from './plugin-manifest';

export const PLUGIN_SERVICE_PATH = '/services/backtestr/plugins';

/** Where a plugin is installed from. `location` is a folder or `.tgz` path (or `file://` URI), or an npm spec `name@range`. */
export interface PluginSource {
    readonly kind: 'folder' | 'tgz' | 'npm';
    readonly location: string;
}

/**
 * `enabling`: being loaded and tried (it becomes `enabled` only once it has passed its first calls);
 * `enabled`: loaded and running in its host; `disabled`: by the user; `failed`: disabled by a fault, see `error`.
 */
export type PluginState = 'enabling' | 'enabled' | 'disabled' | 'failed';

export interface PluginContributionSummary {
    readonly kind: ContributionKind;
    readonly id: string;
}

export interface InstalledPlugin {
    readonly id: string;
    /** npm package name. */
    readonly name: string;
    readonly displayName: string;
    readonly version: string;
    readonly publisher: string;
    readonly description?: string;
    /** The SDK range of the manifest. */
    readonly sdk: string;
    readonly contributions: readonly PluginContributionSummary[];
    readonly state: PluginState;
    /** Why the plugin failed (load error, throw, hang, malformed output); absent unless `state` is `failed`. */
    readonly error?: string;
    readonly source: PluginSource;
    /** ISO time of the install or last update. */
    readonly installedAt: string;
}

export interface PluginServiceClient {
    /** Something was installed, updated, enabled, disabled, uninstalled or failed. */
    onDidChangePlugins(): void;
}

export const PluginService = Symbol('PluginService');
export interface PluginService extends RpcServer<PluginServiceClient> {
    /** The folder plugins are installed into (env `BACKTESTR_PLUGIN_DIR`, else the preference, else `~/.backtestr/plugins`). */
    getPluginDirectory(): Promise<string>;
    listPlugins(): Promise<InstalledPlugin[]>;
    /** Installs (or replaces) a plugin and enables it; refused with a `PluginErrors` error naming what is wrong. */
    install(source: PluginSource): Promise<InstalledPlugin>;
    /** Installs again from the recorded source (npm: the newest version in the range). */
    update(id: string): Promise<InstalledPlugin>;
    enable(id: string): Promise<InstalledPlugin>;
    disable(id: string): Promise<InstalledPlugin>;
    uninstall(id: string): Promise<void>;
    /** Everything contributed by enabled plugins and by build-time extensions. */
    listContributions(kind?: ContributionKind): Promise<ContributionDescriptor[]>;
    /** Runs an indicator over bars in its plugin's host (for the charts). A fault disables the plugin. */
    computeIndicator(request: IndicatorSeriesRequest): Promise<IndicatorSeries>;
    /** Runs a report section over a run's summary in its plugin's host (for the analysis view). */
    renderReportSection(sectionId: string, input: ReportSectionInput): Promise<ReportSectionData>;
}

/** Errors of the plugin host: codes 7000-7099. */
export namespace PluginErrors {
    export const InvalidManifest = ApplicationError.declare(7000, (location: string, problems: readonly ManifestProblem[]) => ({
        message: `${location} is not a valid BackTestr plugin:\n` + problems.map(p => `- ${p.field}: ${p.message}`).join('\n'),
        data: { location, problems }
    }));
    export const SdkMismatch = ApplicationError.declare(7001, (id: string, range: string, sdkVersion: string) => ({
        message: `Plugin ${id} needs @backtestr/plugins-sdk ${range}, but this BackTestr provides ${sdkVersion}: `
            + `install a version of the plugin built for SDK ${sdkVersion}, or a BackTestr whose SDK matches ${range}.`,
        data: { id, range, sdkVersion }
    }));
    export const NotInstalled = ApplicationError.declare(7002, (id: string) => ({
        message: `No plugin '${id}' is installed.`,
        data: { id }
    }));
    export const SourceNotFound = ApplicationError.declare(7003, (source: PluginSource, reason: string) => ({
        message: `Cannot install from ${source.kind} ${source.location}: ${reason}`,
        data: { source, reason }
    }));
    export const PluginFailed = ApplicationError.declare(7004, (id: string, reason: string) => ({
        message: `Plugin ${id} failed and was disabled: ${reason}`,
        data: { id, reason }
    }));
    export const UnknownContribution = ApplicationError.declare(7005, (kind: string, id: string) => ({
        message: `No enabled ${kind} '${id}': install and enable the plugin that contributes it.`,
        data: { kind, id }
    }));
}
