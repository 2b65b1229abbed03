// *****************************************************************************
// Checks what plugin code returns before anything else sees it. A violation is a
// `MalformedOutputError` whose message says what was returned, where, and what is expected.
// *****************************************************************************
import type { IndicatorOutput } from '@backtestr/plugins-sdk';
import type { ImportedTicks, ReportSectionData } from '../common/plugin-contribution';

export class MalformedOutputError extends Error {
    override readonly name = 'MalformedOutputError';
}

function describe(value: unknown): string {
    if (typeof value === 'number') {
        return Number.isNaN(value) ? 'NaN' : String(value);
    }
    if (value === null) {
        return 'null';
    }
    if (Array.isArray(value)) {
        return 'an array';
    }
    return typeof value === 'string' ? `the string '${value.slice(0, 40)}'` : `a value of type ${typeof value}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * An indicator value: `undefined` while warming up; else a finite number (one output) or an
 * object with a finite number for every output id. Returns the values in `outputs` order.
 */
export function checkIndicatorValue(indicatorId: string, outputs: readonly IndicatorOutput[], value: unknown, barIndex: number): number[] | undefined {
    if (value === undefined) {
        return undefined;
    }
    const where = `indicator '${indicatorId}' at bar ${barIndex}`;
    if (typeof value === 'number' && outputs.length === 1) {
        if (!Number.isFinite(value)) {
            throw new MalformedOutputError(`${where} returned ${describe(value)}: return undefined while warming up, a finite number otherwise.`);
        }
        return [value];
    }
    if (!isPlainObject(value)) {
        const expected = outputs.length === 1 ? 'a finite number' : `an object { ${outputs.map(o => `${o.id}: number`).join(', ')} }`;
        throw new MalformedOutputError(`${where} returned ${describe(value)}: expected ${expected} (or undefined while warming up).`);
    }
    return outputs.map(output => {
        const v = value[output.id];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
            throw new MalformedOutputError(`${where} returned ${describe(v)} for output '${output.id}': every declared output needs a finite number `
                + '(return undefined for the whole value while warming up).');
        }
        return v;
    });
}

function toColumn(sourceId: string, name: string, value: unknown, length: number | undefined): Float64Array {
    if (!(Array.isArray(value) || value instanceof Float64Array || value instanceof BigInt64Array || value instanceof Float32Array || value instanceof Int32Array)) {
        throw new MalformedOutputError(`data source '${sourceId}' returned ${describe(value)} for column '${name}': expected an array or typed array of numbers.`);
    }
    const column = value as ArrayLike<unknown>;
    if (length !== undefined && column.length !== length) {
        throw new MalformedOutputError(`data source '${sourceId}' returned ${column.length} values in column '${name}' but ${length} times: all columns need one value per tick.`);
    }
    // A value that is not a number (NaN, a string, null) becomes NaN: the data layer quarantines its row with the reason.
    const out = new Float64Array(column.length);
    for (let i = 0; i < column.length; i++) {
        const v = column[i];
        out[i] = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
    }
    return out;
}

/**
 * Ticks from a data source: an object of columns, `time` plus `price` (trades) or `bid` + `ask` (quotes),
 * optional `size` and `line`, all of the same length, and a well-formed `rejected` list. Anything else is
 * malformed output (the plugin fails). Single bad values and rows out of time order are not: the data layer
 * quarantines those rows.
 */
export function checkImportedTicks(sourceId: string, value: unknown): ImportedTicks {
    if (!isPlainObject(value)) {
        throw new MalformedOutputError(`data source '${sourceId}' returned ${describe(value)}: expected { time, price | bid+ask, size?, line?, rejected? } columns.`);
    }
    const time = toColumn(sourceId, 'time', value.time, undefined);
    const columns: { price?: Float64Array; size?: Float64Array; bid?: Float64Array; ask?: Float64Array; line?: Float64Array } = {};
    for (const name of ['price', 'size', 'bid', 'ask', 'line'] as const) {
        if (value[name] !== undefined) {
            columns[name] = toColumn(sourceId, name, value[name], time.length);
        }
    }
    if (!columns.price && !(columns.bid && columns.ask)) {
        throw new MalformedOutputError(`data source '${sourceId}' returned neither a 'price' column (trades) nor 'bid' and 'ask' columns (quotes).`);
    }
    if (columns.price && (columns.bid || columns.ask)) {
        throw new MalformedOutputError(`data source '${sourceId}' returned both 'price' and 'bid'/'ask' columns: a file holds trades or quotes, not both.`);
    }
    const rejected = value.rejected ?? [];
    if (!Array.isArray(rejected) || rejected.some(r => !isPlainObject(r) || typeof r.line !== 'number' || typeof r.reason !== 'string'
        || (r.raw !== undefined && typeof r.raw !== 'string'))) {
        throw new MalformedOutputError(`data source '${sourceId}' returned a malformed 'rejected' list: expected [{ line: number, reason: string, raw?: string }].`);
    }
    return { time, ...columns, rejected: (rejected as ImportedTicks['rejected']).map(r => r.raw === undefined ? { line: r.line, reason: r.reason } : { line: r.line, reason: r.reason, raw: r.raw }) };
}

/** A report section: a non-empty title and rows of { label: string, value: string | finite number }. */
export function checkReportSection(sectionId: string, value: unknown): ReportSectionData {
    if (!isPlainObject(value) || typeof value.title !== 'string' || value.title.trim() === '') {
        throw new MalformedOutputError(`report section '${sectionId}' returned ${isPlainObject(value) ? 'no title' : describe(value)}: expected { title: string, rows: [{ label, value }] }.`);
    }
    if (!Array.isArray(value.rows)) {
        throw new MalformedOutputError(`report section '${sectionId}' returned ${describe(value.rows)} for 'rows': expected an array of { label, value }.`);
    }
    const rows = value.rows.map((row: unknown, i: number) => {
        if (!isPlainObject(row) || typeof row.label !== 'string'
            || !(typeof row.value === 'string' || (typeof row.value === 'number' && Number.isFinite(row.value)))) {
            throw new MalformedOutputError(`report section '${sectionId}' row ${i} is malformed: expected { label: string, value: string | finite number }.`);
        }
        return { label: row.label, value: row.value as string | number };
    });
    return { title: value.title, rows };
}
