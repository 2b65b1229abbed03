// *****************************************************************************
// The plugin host worker: one thread per enabled plugin. Plugin code runs only here (never on
// the backend's main thread); every result is checked before it is posted back.
// *****************************************************************************
import { parentPort, workerData } from 'worker_threads';
import type { Bar, IndicatorOutput } from '@backtestr/plugins-sdk';
import type { DataSourceFile, ImportedTicks, IndicatorSeriesRequest, ReportSectionInput } from '../common/plugin-contribution';
import { HostFaultKind, HostRequest, HostResponse, LoadedContributions, PluginHostWorkerData } from './plugin-host-protocol';
import { checkImportedTicks, checkIndicatorValue, checkReportSection, isPlainObject, MalformedOutputError, tickBuffers } from './plugin-output-validation';
import { provideSdkToPlugins } from './sdk-resolution';
import { sampleBars, sampleRun } from './plugin-samples';

interface IndicatorExport {
    id: string;
    label: string;
    outputs: IndicatorOutput[];
    defaultOptions: Record<string, unknown>;
    create(options: Record<string, unknown>): { update(bar: Bar): unknown; peek?(bar: Bar): unknown };
}
interface DataSourceExport {
    id: string;
    label: string;
    fileExtensions: string[];
    importFile(file: DataSourceFile): unknown;
}
interface ReportSectionExport {
    id: string;
    label: string;
    render(input: ReportSectionInput): unknown;
}
interface StrategyExport {
    id: string;
    label?: string;
    params?: Record<string, unknown>;
}

class LoadError extends Error { }

const data = workerData as PluginHostWorkerData;
let indicators = new Map<string, IndicatorExport>();
let dataSources = new Map<string, DataSourceExport>();
let reportSections = new Map<string, ReportSectionExport>();

function list<T>(exports: Record<string, unknown>, key: string, check: (item: Record<string, unknown>) => string | undefined): T[] {
    const value = exports[key];
    if (value === undefined) {
        return [];
    }
    if (!Array.isArray(value)) {
        throw new LoadError(`the engine module exports '${key}' as ${typeof value}: export an array, e.g. exports.${key} = [ ... ].`);
    }
    return value.map((item: unknown, i: number) => {
        const problem = isPlainObject(item) ? (typeof item.id !== 'string' ? 'has no string id' : check(item)) : 'is not an object';
        if (problem) {
            throw new LoadError(`${key}[${i}]${isPlainObject(item) && typeof item.id === 'string' ? ` ('${item.id}')` : ''} ${problem}.`);
        }
        return item as T;
    });
}

function load(): LoadedContributions {
    provideSdkToPlugins();
    let loaded: unknown;
    try {
        loaded = require(data.engineEntry);
    } catch (error) {
        throw new LoadError(`loading ${data.engineEntry} threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
    const exports = isPlainObject(loaded) && isPlainObject(loaded.default) ? loaded.default : loaded;
    if (!isPlainObject(exports)) {
        throw new LoadError('the engine module exports no object: export { indicators, dataSources, strategies, reportSections } arrays.');
    }
    const inds = list<IndicatorExport>(exports, 'indicators', i =>
        typeof i.create !== 'function' ? 'has no create(options) function (use defineIndicator from @backtestr/plugins-sdk)'
            : !Array.isArray(i.outputs) || i.outputs.length === 0 ? 'declares no outputs' : undefined);
    const sources = list<DataSourceExport>(exports, 'dataSources', s =>
        typeof s.importFile !== 'function' ? 'has no importFile(file) function'
            : !Array.isArray(s.fileExtensions) ? 'has no fileExtensions array, e.g. [".jsonl"]' : undefined);
    const sections = list<ReportSectionExport>(exports, 'reportSections', s =>
        typeof s.render !== 'function' ? 'has no render(input) function' : undefined);
    const strategies = list<StrategyExport>(exports, 'strategies', s =>
        !['onBarClose', 'onTick', 'onStart'].some(k => typeof s[k] === 'function') ? 'has no onStart, onBarClose or onTick handler (use defineStrategy)' : undefined);
    indicators = new Map(inds.map(i => [i.id, i]));
    dataSources = new Map(sources.map(s => [s.id, s]));
    reportSections = new Map(sections.map(s => [s.id, s]));
    const label = (item: { id: string; label?: unknown }): string => typeof item.label === 'string' ? item.label : item.id;
    return {
        indicators: inds.map(i => ({
            id: i.id, label: label(i), outputs: i.outputs.map(o => ({ id: o.id, kind: o.kind })),
            defaultOptions: JSON.parse(JSON.stringify(i.defaultOptions ?? {}))
        })),
        dataSources: sources.map(s => ({ id: s.id, label: label(s), fileExtensions: s.fileExtensions.map(String) })),
        strategies: strategies.map(s => ({ id: s.id, label: label(s), params: JSON.parse(JSON.stringify(s.params ?? {})) })),
        reportSections: sections.map(s => ({ id: s.id, label: label(s) }))
    };
}

function runIndicator(indicator: IndicatorExport, options: Record<string, unknown>, bars: readonly Bar[]): { values: Float64Array[]; defined: Uint8Array } {
    const state = indicator.create({ ...indicator.defaultOptions, ...options });
    if (!state || typeof state.update !== 'function') {
        throw new MalformedOutputError(`indicator '${indicator.id}': create() returned no object with an update(bar) method.`);
    }
    const values = indicator.outputs.map(() => new Float64Array(bars.length));
    const defined = new Uint8Array(bars.length);
    bars.forEach((bar, i) => {
        if (state.peek) {
            checkIndicatorValue(indicator.id, indicator.outputs, state.peek(bar), i);
        }
        const row = checkIndicatorValue(indicator.id, indicator.outputs, state.update(bar), i);
        if (row) {
            defined[i] = 1;
            row.forEach((v, k) => values[k][i] = v);
        }
    });
    return { values, defined };
}

function findIn<T>(map: Map<string, T>, kind: string, id: string): T {
    const found = map.get(id);
    if (!found) {
        throw new Error(`the plugin has no ${kind} '${id}'.`);
    }
    return found;
}

async function handle(request: HostRequest): Promise<unknown> {
    switch (request.method) {
        case 'load':
            return load();
        case 'exercise': {
            const bars = sampleBars();
            for (const indicator of indicators.values()) {
                runIndicator(indicator, {}, bars);
            }
            for (const section of reportSections.values()) {
                checkReportSection(section.id, await section.render(sampleRun()));
            }
            return undefined;
        }
        case 'computeIndicator': {
            const params = request.params as IndicatorSeriesRequest;
            const { time, open, high, low, close, volume } = params.bars;
            const bars: Bar[] = Array.from(time, (t, i) => Object.freeze({ time: t, open: open[i], high: high[i], low: low[i], close: close[i], volume: volume[i], ticks: 0 }));
            return runIndicator(findIn(indicators, 'indicator', params.indicatorId), { ...params.options }, bars);
        }
        case 'importFile': {
            const params = request.params as { dataSourceId: string; file: DataSourceFile };
            const source = findIn(dataSources, 'data source', params.dataSourceId);
            return checkImportedTicks(source.id, await source.importFile(params.file));
        }
        case 'renderReportSection': {
            const params = request.params as { sectionId: string; input: ReportSectionInput };
            const section = findIn(reportSections, 'report section', params.sectionId);
            return checkReportSection(section.id, await section.render(params.input));
        }
    }
}

function faultKind(error: unknown): HostFaultKind {
    return error instanceof LoadError ? 'load' : error instanceof MalformedOutputError ? 'malformed' : 'throw';
}

/** Buffers a result gives up to the main thread instead of copying them (the columns a data source read). */
function transferOf(method: HostRequest['method'], result: unknown): ArrayBuffer[] {
    return method === 'importFile' ? tickBuffers(result as ImportedTicks) : [];
}

parentPort?.on('message', (request: HostRequest) => {
    handle(request).then(
        result => parentPort?.postMessage({ id: request.id, result } satisfies HostResponse, transferOf(request.method, result)),
        (error: unknown) => {
            const kind = faultKind(error);
            const message = error instanceof Error ? (kind === 'throw' ? error.stack ?? error.message : error.message) : String(error);
            parentPort?.postMessage({ id: request.id, error: { kind, message } } satisfies HostResponse);
        }
    );
});
