import { injectable } from '@theia/core/shared/inversify';
import { Disposable } from '@theia/core/lib/common/disposable';
import { Emitter } from '@theia/core/lib/common/event';
import {
    ContributionDescriptor, DataSourceDescriptor, DataSourceImporter, IndicatorDescriptor, PluginContributionRegistry,
    ReportSectionDescriptor, ReportSectionRenderer, StrategyDescriptor
} from '../common/plugin-contribution';
import { ContributionKind } from '../common/plugin-manifest';

interface Entry {
    readonly descriptor: ContributionDescriptor;
    readonly importer?: DataSourceImporter;
    readonly renderer?: ReportSectionRenderer;
}

/** Contributions by kind and id; a second registration of the same id is refused with a message naming both origins. */
@injectable()
export class PluginContributionRegistryImpl implements PluginContributionRegistry {
    protected readonly entries = new Map<string, Entry>();
    protected readonly onDidChangeEmitter = new Emitter<void>();
    readonly onDidChange = this.onDidChangeEmitter.event;

    registerIndicator(descriptor: IndicatorDescriptor): Disposable {
        return this.add({ descriptor });
    }

    registerDataSource(descriptor: DataSourceDescriptor, importer: DataSourceImporter): Disposable {
        return this.add({ descriptor, importer });
    }

    registerStrategy(descriptor: StrategyDescriptor): Disposable {
        return this.add({ descriptor });
    }

    registerReportSection(descriptor: ReportSectionDescriptor, renderer: ReportSectionRenderer): Disposable {
        return this.add({ descriptor, renderer });
    }

    getContributions(kind?: ContributionKind): ContributionDescriptor[] {
        return [...this.entries.values()].map(e => e.descriptor).filter(d => kind === undefined || d.kind === kind);
    }

    getDescriptor(kind: ContributionKind, id: string): ContributionDescriptor | undefined {
        return this.entries.get(`${kind}:${id}`)?.descriptor;
    }

    getDataSourceImporter(id: string): DataSourceImporter | undefined {
        return this.entries.get(`dataSources:${id}`)?.importer;
    }

    getReportSectionRenderer(id: string): ReportSectionRenderer | undefined {
        return this.entries.get(`reportSections:${id}`)?.renderer;
    }

    protected add(entry: Entry): Disposable {
        const key = `${entry.descriptor.kind}:${entry.descriptor.id}`;
        const existing = this.entries.get(key);
        if (existing) {
            const o = existing.descriptor.origin;
            throw new Error(`${entry.descriptor.kind} '${entry.descriptor.id}' of ${entry.descriptor.origin.kind} ${entry.descriptor.origin.id} `
                + `is already contributed by ${o.kind} ${o.id}: ids must be unique, prefix them with your publisher (e.g. "acme.${entry.descriptor.id}").`);
        }
        this.entries.set(key, entry);
        this.onDidChangeEmitter.fire();
        return Disposable.create(() => {
            if (this.entries.get(key) === entry) {
                this.entries.delete(key);
                this.onDidChangeEmitter.fire();
            }
        });
    }
}
