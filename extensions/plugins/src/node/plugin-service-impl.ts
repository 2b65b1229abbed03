import { inject, injectable, named, postConstruct } from '@theia/core/shared/inversify';
import { ContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { ILogger } from '@theia/core/lib/common/logger';
import { PreferenceService } from '@theia/core/lib/common/preferences/preference-service';
import { BackendApplicationContribution } from '@theia/core/lib/node/backend-application';
import {
    ContributionDescriptor, IndicatorSeries, IndicatorSeriesRequest, PluginContribution, ReportSectionData, ReportSectionInput
} from '../common/plugin-contribution';
import { ContributionKind } from '../common/plugin-manifest';
import { PLUGIN_DIRECTORY_PREFERENCE } from '../common/plugin-preferences';
import { InstalledPlugin, PluginErrors, PluginService, PluginServiceClient, PluginSource } from '../common/plugin-protocol';
import { PluginContributionRegistryImpl } from './plugin-contribution-registry-impl';
import { PluginManager } from './plugin-manager';
import { checkReportSection } from './plugin-output-validation';
import { resolvePluginDirectory } from './plugin-store';

/** The Plugins service of the backend: one `PluginManager` over the user's plugin directory, plus the build-time contributions. */
@injectable()
export class PluginServiceImpl implements PluginService, BackendApplicationContribution {

    @inject(PluginContributionRegistryImpl)
    protected readonly registry: PluginContributionRegistryImpl;

    @inject(ContributionProvider) @named(PluginContribution)
    protected readonly contributions: ContributionProvider<PluginContribution>;

    @inject(PreferenceService)
    protected readonly preferences: PreferenceService;

    @inject(ILogger) @named('plugins:PluginServiceImpl')
    protected readonly logger: ILogger;

    protected readonly clients = new Set<PluginServiceClient>();
    protected manager: Promise<PluginManager>;

    @postConstruct()
    protected init(): void {
        this.manager = this.createManager();
    }

    /** Registers the build-time contributions and starts the enabled plugins when the backend starts (without holding the start up). */
    initialize(): void {
        this.manager.catch(error => this.logger.error(`The plugin host did not start: ${error instanceof Error ? error.message : String(error)}`));
    }

    protected async createManager(): Promise<PluginManager> {
        for (const contribution of this.contributions.getContributions()) {
            try {
                contribution.registerIndicators?.(this.registry);
                contribution.registerDataSources?.(this.registry);
                contribution.registerStrategies?.(this.registry);
                contribution.registerReportSections?.(this.registry);
            } catch (error) {
                this.logger.error(`A build-time plugin contribution failed to register: ${error instanceof Error ? error.message : String(error)}`);
            }
        }
        await this.preferences.ready;
        const directory = resolvePluginDirectory(this.preferences.get<string>(PLUGIN_DIRECTORY_PREFERENCE, ''));
        const manager = new PluginManager({ directory, registry: this.registry });
        manager.onDidChange(() => this.clients.forEach(c => c.onDidChangePlugins()));
        this.logger.info(`Plugin directory: ${directory}`);
        // Enabled plugins start in the background: listing does not wait for them, changes queue behind them.
        manager.start().catch(error => this.logger.error(`Starting the enabled plugins failed: ${error instanceof Error ? error.message : String(error)}`));
        return manager;
    }

    onStop(): void {
        void this.manager.then(m => m.dispose());
    }

    setClient(client: PluginServiceClient | undefined): void {
        if (client) {
            this.clients.add(client);
        }
    }

    disconnectClient(client: PluginServiceClient): void {
        this.clients.delete(client);
    }

    dispose(): void {
        // Clients leave through disconnectClient; the manager lives as long as the backend.
    }

    /** The plugin manager (for the data layer's import sources); changes queued before the call may still be running. */
    pluginManager(): Promise<PluginManager> {
        return this.manager;
    }

    async getPluginDirectory(): Promise<string> {
        return (await this.manager).directory;
    }

    async listPlugins(): Promise<InstalledPlugin[]> {
        return (await this.manager).list();
    }

    async install(source: PluginSource): Promise<InstalledPlugin> {
        const plugin = await (await this.manager).install(source);
        this.logger.info(`Installed plugin ${plugin.id} ${plugin.version} from ${source.kind} ${source.location}: ${plugin.state}`);
        return plugin;
    }

    async update(id: string): Promise<InstalledPlugin> {
        return (await this.manager).update(id);
    }

    async enable(id: string): Promise<InstalledPlugin> {
        return (await this.manager).enable(id);
    }

    async disable(id: string): Promise<InstalledPlugin> {
        return (await this.manager).disable(id);
    }

    async uninstall(id: string): Promise<void> {
        return (await this.manager).uninstall(id);
    }

    async listContributions(kind?: ContributionKind): Promise<ContributionDescriptor[]> {
        await this.manager;
        return this.registry.getContributions(kind);
    }

    async computeIndicator(request: IndicatorSeriesRequest): Promise<IndicatorSeries> {
        return (await this.manager).computeIndicator(request);
    }

    async renderReportSection(sectionId: string, input: ReportSectionInput): Promise<ReportSectionData> {
        const manager = await this.manager;
        const renderer = this.registry.getReportSectionRenderer(sectionId);
        if (!renderer) {
            throw PluginErrors.UnknownContribution('report section', sectionId);
        }
        if (this.registry.getDescriptor('reportSections', sectionId)?.origin.kind === 'plugin') {
            // Checked in the plugin's host process (a malformed section fails the plugin there).
            return manager.renderReportSection(sectionId, input);
        }
        // A build-time extension's section gets the same check here.
        const data = await renderer.render(input);
        try {
            return checkReportSection(sectionId, data);
        } catch (error) {
            throw new Error(`malformed output: ${(error as Error).message}`);
        }
    }
}
