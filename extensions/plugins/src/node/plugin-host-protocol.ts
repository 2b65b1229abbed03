// *****************************************************************************
// Messages between a plugin host (the backend's side) and its child process.
// *****************************************************************************
import type { DataSourceFile, IndicatorSeriesRequest, ReportSectionInput } from '../common/plugin-contribution';

/** What the host process is started with (its first argument, as JSON). */
export interface PluginHostData {
    readonly pluginId: string;
    readonly engineEntry: string;
}

export interface HostMethods {
    /** Loads the engine module; returns what it exports (plain descriptors). */
    load: { params: undefined; result: LoadedContributions };
    /** Runs every indicator over sample bars and every report section over a sample run, checking what they return. */
    exercise: { params: undefined; result: undefined };
    computeIndicator: { params: IndicatorSeriesRequest; result: { values: Float64Array[]; defined: Uint8Array } };
    importFile: { params: { dataSourceId: string; file: DataSourceFile }; result: unknown };
    renderReportSection: { params: { sectionId: string; input: ReportSectionInput }; result: unknown };
}
export type HostMethod = keyof HostMethods;

export interface HostRequest {
    readonly id: number;
    readonly method: HostMethod;
    readonly params: unknown;
}

/** `load`: the module could not be loaded; `throw`: plugin code threw; `malformed`: it returned the wrong shape. */
export type HostFaultKind = 'load' | 'throw' | 'malformed' | 'timeout' | 'crash';

export type HostResponse =
    | { readonly id: number; readonly result: unknown }
    | { readonly id: number; readonly error: { readonly kind: HostFaultKind; readonly message: string } };

/** What the host process sends: a response to a call, or (before it ends) an error that escaped the plugin's code outside any call. */
export type HostMessage = HostResponse | { readonly crash: string };

export interface LoadedContributions {
    readonly indicators: { id: string; label: string; outputs: { id: string; kind: 'line' | 'histogram' | 'band' }[]; defaultOptions: Record<string, unknown> }[];
    readonly dataSources: { id: string; label: string; fileExtensions: string[] }[];
    readonly strategies: { id: string; label: string; params: Record<string, unknown> }[];
    readonly reportSections: { id: string; label: string }[];
}
