// *****************************************************************************
// Contribution points of the plugin host (Theia's TaskContribution pattern): build-time
// extensions bind a `PluginContribution`; run-time plugins are registered by the host.
// Everything registered is plain data plus, for data sources and report sections, a function.
// *****************************************************************************
import { Disposable } from '@theia/core/lib/common/disposable';
import { Event } from '@theia/core/lib/common/event';
import type { DataSourceImporter, IndicatorOutput, ReportSectionRenderer } from '@backtestr/plugins-sdk';
import type { FloatBarColumns } from '@backtestr/engine-core/lib/common';
import { ContributionKind } from './plugin-manifest';

// The data-source and report-section contracts plugin authors write against live in the SDK (no Theia
// there); re-exported for the host's importers.
export type {
    DataSourceFile, DataSourceImporter, ImportedTicks, ReportSectionData, ReportSectionInput, ReportSectionRenderer
} from '@backtestr/plugins-sdk';

/** Where a contribution comes from: a run-time plugin (its id) or a build-time extension (its package name). */
export interface ContributionOrigin {
    readonly kind: 'plugin' | 'extension';
    /** Plugin id or extension package name. */
    readonly id: string;
}

interface ContributionBase {
    readonly id: string;
    readonly label: string;
    readonly origin: ContributionOrigin;
}

export interface IndicatorDescriptor extends ContributionBase {
    readonly kind: 'indicators';
    readonly outputs: readonly IndicatorOutput[];
    readonly defaultOptions: Readonly<Record<string, unknown>>;
}

export interface DataSourceDescriptor extends ContributionBase {
    readonly kind: 'dataSources';
    /** File name endings the importer reads, e.g. `['.jsonl']`. */
    readonly fileExtensions: readonly string[];
}

export interface StrategyDescriptor extends ContributionBase {
    readonly kind: 'strategies';
    readonly params: Readonly<Record<string, unknown>>;
}

export interface ReportSectionDescriptor extends ContributionBase {
    readonly kind: 'reportSections';
}

export type ContributionDescriptor = IndicatorDescriptor | DataSourceDescriptor | StrategyDescriptor | ReportSectionDescriptor;

/** Bars in, one column per indicator output out; `defined[i]` is 0 while the indicator warms up (its values are then 0, never NaN). */
export interface IndicatorSeriesRequest {
    readonly indicatorId: string;
    readonly options?: Readonly<Record<string, unknown>>;
    readonly bars: FloatBarColumns;
}

export interface IndicatorSeries {
    readonly indicatorId: string;
    readonly time: Float64Array;
    readonly values: Readonly<Record<string, Float64Array>>;
    readonly defined: Uint8Array;
}

export const PluginContributionRegistry = Symbol('PluginContributionRegistry');
/** Every contribution known to the backend; `register*()` returns a Disposable that removes it again. */
export interface PluginContributionRegistry {
    readonly onDidChange: Event<void>;
    registerIndicator(descriptor: IndicatorDescriptor): Disposable;
    registerDataSource(descriptor: DataSourceDescriptor, importer: DataSourceImporter): Disposable;
    registerStrategy(descriptor: StrategyDescriptor): Disposable;
    registerReportSection(descriptor: ReportSectionDescriptor, renderer: ReportSectionRenderer): Disposable;
    getContributions(kind?: ContributionKind): ContributionDescriptor[];
    getDataSourceImporter(id: string): DataSourceImporter | undefined;
    getReportSectionRenderer(id: string): ReportSectionRenderer | undefined;
}

export const PluginContribution = Symbol('PluginContribution');
/**
 * What a build-time extension binds (`bind(PluginContribution).to(MyContribution)`) to add
 * indicators, data sources, strategies or report sections; every method is optional.
 */
export interface PluginContribution {
    registerIndicators?(registry: PluginContributionRegistry): void;
    registerDataSources?(registry: PluginContributionRegistry): void;
    registerStrategies?(registry: PluginContributionRegistry): void;
    registerReportSections?(registry: PluginContributionRegistry): void;
}
