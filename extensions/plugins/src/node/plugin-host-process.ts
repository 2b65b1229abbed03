// *****************************************************************************
// The plugin host: one child process per enabled plugin (forked by `PluginHost`). Plugin code
// runs only here, never in the backend's process, so whatever it does to its process (exit,
// kill or abort it, exhaust its memory) ends only this host. Every result is checked before it
// is sent back.
// *****************************************************************************
import type { Bar, IndicatorOutput } from '@backtestr/plugins-sdk';
import type { DataSourceFile, IndicatorSeriesRequest, ReportSectionInput } from '../common/plugin-contribution';
import { HostFaultKind, HostMessage, HostRequest, LoadedContributions, PluginHostData } from './plugin-host-protocol';
import { checkImportedTicks, checkIndicatorValue, checkReportSection, isPlainObject, MalformedOutputError } from './plugin-output-validation';
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

const data = JSON.parse(process.argv[2] ?? '{}') as PluginHostData;
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

function send(message: HostMessage, then?: () => void): void {
    if (!process.connected) {
        process.exit(0);
    }
    process.send?.(message, undefined, undefined, error => {
        if (error) {
            process.exit(0); // The backend went away.
        }
        then?.();
    });
}

process.on('message', (request: HostRequest) => {
    handle(request).then(
        result => send({ id: request.id, result }),
        (error: unknown) => {
            const kind = faultKind(error);
            const message = error instanceof Error ? (kind === 'throw' ? error.stack ?? error.message : error.message) : String(error);
            send({ id: request.id, error: { kind, message } });
        }
    );
});

// An error that escapes the plugin's code outside any call (a timer, a rejected promise nobody awaits):
// reported, then the host ends (its state can no longer be trusted).
process.on('uncaughtException', error => {
    const crash = error instanceof Error ? error.stack ?? error.message : String(error);
    try {
        send({ crash }, () => process.exit(70));
    } catch {
        process.exit(70);
    }
});

// The backend went away (it stopped, or crashed): so does its plugin host.
process.on('disconnect', () => process.exit(0));
