// *****************************************************************************
// The import sources of all `ImportSourceContribution`s: lists them, picks one by id or by a
// file's extension, and reads a file through it. Whatever comes back is checked here (the data
// layer trusts no contribution); any failure becomes one `SourceFailed` error naming the source,
// who contributed it, the file and what is wrong.
// *****************************************************************************

import {
    DatasetErrors, describeImportSource, ImportSourceContribution, ImportSourceDescriptor, ImportSourceFile, importSourceMatches, ImportSourceRows
} from '../common/dataset-protocol';

function describe(value: unknown): string {
    if (value === null) {
        return 'null';
    }
    if (Array.isArray(value)) {
        return 'an array';
    }
    if (typeof value === 'string') {
        return `the string '${value.slice(0, 40)}'`;
    }
    return typeof value === 'object' ? 'an object' : `a value of type ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** A column as float64 (a value that is not a number becomes NaN: its row is quarantined), or a message saying what is wrong. */
function column(name: string, value: unknown, length: number | undefined): Float64Array | string {
    const isArray = Array.isArray(value) || value instanceof Float64Array || value instanceof Float32Array
        || value instanceof Int32Array || value instanceof BigInt64Array;
    if (!isArray) {
        return `column '${name}' is ${describe(value)}, not an array of numbers`;
    }
    const items = value as ArrayLike<unknown>;
    if (length !== undefined && items.length !== length) {
        return `column '${name}' has ${items.length} values but 'time' has ${length}: every column needs one value per row`;
    }
    if (value instanceof Float64Array) {
        return value;
    }
    const out = new Float64Array(items.length);
    for (let i = 0; i < items.length; i++) {
        const v = items[i];
        out[i] = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
    }
    return out;
}

/** Checks the shape of what a source returned; returns the rows or a message saying what is wrong. */
export function checkImportSourceRows(value: unknown): ImportSourceRows | string {
    if (!isRecord(value)) {
        return `it returned ${describe(value)}; expected { time, price | bid + ask, size?, line?, rejected? } columns`;
    }
    const time = column('time', value.time, undefined);
    if (typeof time === 'string') {
        return time;
    }
    const columns: { -readonly [K in 'price' | 'size' | 'bid' | 'ask' | 'line']?: Float64Array } = {};
    for (const name of ['price', 'size', 'bid', 'ask', 'line'] as const) {
        if (value[name] !== undefined) {
            const c = column(name, value[name], time.length);
            if (typeof c === 'string') {
                return c;
            }
            columns[name] = c;
        }
    }
    if (!columns.price && !(columns.bid && columns.ask)) {
        return `it returned neither a 'price' column (trades) nor 'bid' and 'ask' columns (quotes)`;
    }
    if (columns.price && (columns.bid || columns.ask)) {
        return `it returned both 'price' and 'bid'/'ask' columns: one file holds trades or quotes, not both`;
    }
    const rejected = value.rejected ?? [];
    if (!Array.isArray(rejected) || rejected.some(r => !isRecord(r) || typeof r.line !== 'number' || typeof r.reason !== 'string'
        || (r.raw !== undefined && typeof r.raw !== 'string'))) {
        return `its 'rejected' list is malformed; expected [{ line: number, reason: string, raw?: string }]`;
    }
    return { time, ...columns, rejected: rejected as ImportSourceRows['rejected'] };
}

export class ImportSourceRegistry {

    constructor(protected readonly contributions: readonly ImportSourceContribution[]) { }

    /** Every source of every contribution, each with the contribution that reads it. */
    protected async entries(): Promise<{ source: ImportSourceDescriptor; owner: ImportSourceContribution }[]> {
        const all: { source: ImportSourceDescriptor; owner: ImportSourceContribution }[] = [];
        for (const owner of this.contributions) {
            for (const source of await owner.getImportSources()) {
                if (!all.some(e => e.source.id === source.id)) {
                    all.push({ source, owner });
                }
            }
        }
        return all;
    }

    async list(): Promise<ImportSourceDescriptor[]> {
        return (await this.entries()).map(e => e.source);
    }

    /** The source of that id; an error listing the available ones when there is none. */
    async get(id: string): Promise<ImportSourceDescriptor> {
        const all = await this.list();
        const found = all.find(s => s.id === id);
        if (!found) {
            throw DatasetErrors.InvalidOptions(`No enabled import source '${id}'`
                + (all.length ? `; the enabled ones are ${all.map(s => `${s.id} (${s.fileExtensions.join(', ')})`).join(', ')}.` : '.')
                + ' Install and enable the plugin that contributes it.');
        }
        return found;
    }

    /** The sources whose file extensions the file has. */
    async matching(fileName: string): Promise<ImportSourceDescriptor[]> {
        return (await this.list()).filter(s => importSourceMatches(s, fileName));
    }

    /**
     * Reads a file with a source and checks what it returned. Any failure (the source threw, hung, its plugin
     * crashed, or the rows are malformed) is a `SourceFailed` error naming the file, the source and the reason.
     */
    async read(source: ImportSourceDescriptor, label: string, file: ImportSourceFile): Promise<ImportSourceRows> {
        const entry = (await this.entries()).find(e => e.source.id === source.id);
        const who = describeImportSource(source);
        if (!entry) {
            throw DatasetErrors.SourceFailed(label, who, 'It is no longer enabled (its plugin was disabled, failed or uninstalled).');
        }
        let value: unknown;
        try {
            value = await entry.owner.readImportFile(source.id, file);
        } catch (error) {
            throw DatasetErrors.SourceFailed(label, who, error instanceof Error ? error.message : String(error));
        }
        const rows = checkImportSourceRows(value);
        if (typeof rows === 'string') {
            throw DatasetErrors.SourceFailed(label, who, `Malformed output: ${rows}.`);
        }
        return rows;
    }
}
