// *****************************************************************************
// JSON export of a whole run, version 1: the run record, its statistics, every table it
// produced as columns (arrays of equal length), its series and logs. Published schema:
// extensions/analysis/schema/run-export.v1.schema.json (documented in schema/README.md).
// Absent prices (NaN in the store) are `null`; times are integer microseconds since 1970 UTC.
// The same run gives byte-identical JSON (no export time inside). `sections` (optional, added
// within version 1): the report sections plugins contributed, each with its rows or its error.
// *****************************************************************************

import { StatisticsReport } from '../statistics/statistics-types';
import { RunOutput, RunRecord } from '../run-store';
import { RunReportSection } from '../report-sections';

export const RUN_EXPORT_FORMAT = 'backtestr-run-export';
export const RUN_EXPORT_VERSION = 1;
export const RUN_EXPORT_SCHEMA_ID = 'https://backtestr.dev/schema/run-export.v1.schema.json';

export type JsonNumberColumn = (number | null)[];
export type JsonColumns = Record<string, JsonNumberColumn | readonly string[]>;

export interface RunExportV1 {
    readonly $schema: typeof RUN_EXPORT_SCHEMA_ID;
    readonly format: typeof RUN_EXPORT_FORMAT;
    readonly version: 1;
    readonly run: RunRecord;
    readonly statistics: StatisticsReport;
    readonly metrics: Readonly<Record<string, number>>;
    readonly orders: JsonColumns;
    readonly events: JsonColumns;
    readonly trades: JsonColumns;
    readonly equity: JsonColumns;
    readonly series: Record<string, JsonColumns>;
    readonly logs: JsonColumns;
    /** Report sections of plugins (absent when the writer had no plugin host or no section was enabled). */
    readonly sections?: readonly RunReportSection[];
}

function columns(source: object): JsonColumns {
    const out: JsonColumns = {};
    for (const [key, value] of Object.entries(source)) {
        if (value instanceof Float64Array || value instanceof Int32Array || value instanceof Int8Array) {
            const column: JsonNumberColumn = new Array(value.length);
            for (let i = 0; i < value.length; i++) {
                column[i] = Number.isFinite(value[i]) ? value[i] : null;
            }
            out[key] = column;
        } else if (Array.isArray(value)) {
            out[key] = value.map(String);
        }
    }
    return out;
}

export function runExport(run: RunRecord, output: RunOutput, statistics: StatisticsReport, sections?: readonly RunReportSection[]): RunExportV1 {
    const series: Record<string, JsonColumns> = {};
    for (const name of Object.keys(output.series).sort()) {
        series[name] = columns(output.series[name]);
    }
    return {
        $schema: RUN_EXPORT_SCHEMA_ID,
        format: RUN_EXPORT_FORMAT,
        version: RUN_EXPORT_VERSION,
        run,
        statistics,
        metrics: output.metrics,
        orders: columns(output.orders),
        events: columns(output.events),
        trades: columns(output.trades),
        equity: columns(output.equity),
        series,
        logs: columns(output.logs),
        ...(sections && sections.length > 0 ? { sections } : {})
    };
}

/** The export as compact JSON text. */
export function runExportJson(run: RunRecord, output: RunOutput, statistics: StatisticsReport, sections?: readonly RunReportSection[]): string {
    return JSON.stringify(runExport(run, output, statistics, sections));
}
