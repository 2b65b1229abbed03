// *****************************************************************************
// The data sources of plugins (and build-time `PluginContribution`s) as import sources of the
// data layer: the workbench binds `PluginImportSourceContribution` as an `ImportSourceContribution`;
// the CLI's `backtestr import` uses `createPluginImportSources(dir)`, which starts the enabled
// data-source plugins of a plugin directory on first use. A plugin's file is read in its own host
// process; a throw, hang, crash or malformed output disables the plugin with that error, and the
// import fails with it.
// *****************************************************************************
import { inject, injectable } from '@theia/core/shared/inversify';
import { Disposable } from '@theia/core/lib/common/disposable';
import type { ImportSourceContribution, ImportSourceDescriptor, ImportSourceFile, ImportSourceRows } from '@backtestr/data-import';
import { PluginErrors } from '../common/plugin-protocol';
import { PluginContributionRegistryImpl } from './plugin-contribution-registry-impl';
import { PluginManager } from './plugin-manager';
import { PluginServiceImpl } from './plugin-service-impl';

/** Import sources over a plugin manager (its registry holds the plugins' and the build-time data sources). */
export class PluginImportSources implements ImportSourceContribution {

    constructor(protected readonly manager: () => Promise<PluginManager>) { }

    protected async registry(): Promise<PluginContributionRegistryImpl> {
        const manager = await this.manager();
        await manager.whenIdle();
        return manager.registry;
    }

    async getImportSources(): Promise<readonly ImportSourceDescriptor[]> {
        const registry = await this.registry();
        return registry.getContributions('dataSources').map(d => ({
            id: d.id, label: d.label, origin: d.origin,
            fileExtensions: d.kind === 'dataSources' ? d.fileExtensions.map(e => e.toLowerCase()) : []
        }));
    }

    async readImportFile(sourceId: string, file: ImportSourceFile): Promise<ImportSourceRows> {
        const importer = (await this.registry()).getDataSourceImporter(sourceId);
        if (!importer) {
            throw PluginErrors.UnknownContribution('data source', sourceId);
        }
        return importer.importFile(file);
    }
}

/** The workbench's: over the backend's plugin service. */
@injectable()
export class PluginImportSourceContribution extends PluginImportSources {

    @inject(PluginServiceImpl)
    protected readonly pluginService: PluginServiceImpl;

    constructor() {
        super(() => this.pluginService.pluginManager());
    }
}

/**
 * For a process without the workbench (the CLI): the data sources of the plugins enabled in `directory`,
 * started on first use (only the plugins that contribute data sources). When they cannot be started (an
 * unreadable plugins.json) there are none and `onProblem` says why, as the workbench logs it: imports of the
 * built-in formats go on. Dispose to stop their hosts.
 */
export function createPluginImportSources(directory: string, onProblem?: (message: string) => void): PluginImportSources & Disposable {
    let started: Promise<PluginManager> | undefined;
    const sources = new PluginImportSources(() => started ??= (async () => {
        const manager = new PluginManager({ directory, registry: new PluginContributionRegistryImpl() });
        await manager.start(contributes => (contributes.dataSources ?? []).length > 0)
            .catch(error => onProblem?.(`the plugins in ${directory} did not start: ${error instanceof Error ? error.message : String(error)}`));
        return manager;
    })());
    return Object.assign(sources, {
        dispose: () => {
            void started?.then(m => m.dispose());
        }
    });
}
