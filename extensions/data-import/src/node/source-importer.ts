// *****************************************************************************
// Writes the rows an import source (a plugin's data source) read from a file into an import
// session, through the same DatasetWriter checks as CSV rows: prices onto the instrument's tick
// grid, then time order, duplicates, non-positive prices, crossed quotes. Every row that fails
// goes to the quarantine with the file, its line and the reason; rows the source rejected too.
// Also the wizard's preview of such a file.
// *****************************************************************************

import { DatasetErrors, DatasetKind, describeImportSource, ImportPreview, ImportSourceDescriptor, ImportSourceRows } from '../common/dataset-protocol';
import { ImportSession } from './import-session';
import { DatasetWriter } from './dataset-writer';
import { isoFromMicros } from './time-zone';

/** Rows between two progress reports / cancellation checks. */
const STEP = 1 << 16;

export function sourceRowsKind(rows: ImportSourceRows): DatasetKind {
    return rows.price ? 'trades' : 'quotes';
}

/** A row as text for the quarantine and the preview: `time=2014-05-05T00:00:23.668Z bid=1.3871 ask=1.38726`. */
export function sourceRowText(rows: ImportSourceRows, i: number): string {
    const t = rows.time[i];
    // A whole number beyond 2^53 microseconds (1e300) is past what Date can print: the number itself.
    const parts = [`time=${Number.isSafeInteger(t) ? isoFromMicros(t) : String(t)}`];
    for (const name of ['price', 'bid', 'ask', 'size'] as const) {
        const c = rows[name];
        if (c) {
            parts.push(`${name}=${c[i]}`);
        }
    }
    return parts.join(' ');
}

function timeProblem(t: number): string {
    if (!Number.isFinite(t)) {
        return 'time: not a number';
    }
    return Number.isSafeInteger(t) ? '' : `time: ${t} is not a whole number of microseconds since 1970`;
}

export class SourceImporter {

    constructor(protected readonly session: ImportSession, protected readonly source: ImportSourceDescriptor) { }

    /**
     * Validates and stores the rows of one file (`bytes`: its size, for the progress). Throws `FormatMismatch`
     * when the source could read none of the file's rows (most likely the wrong source for it).
     */
    async importRows(label: string, writer: DatasetWriter, rows: ImportSourceRows, bytes: number): Promise<void> {
        const n = rows.time.length;
        if (n === 0 && rows.rejected.length > 0) {
            const first = rows.rejected[0];
            throw DatasetErrors.FormatMismatch(label, `the import source ${describeImportSource(this.source)} could read none of its rows `
                + `(${rows.rejected.length} rejected; line ${first.line}: ${first.reason}); is it the right source for this file?`);
        }
        for (const r of rows.rejected) {
            this.session.quarantine(writer, label, r.line, -1, r.raw ?? '', r.reason);
        }
        const { time, line } = rows;
        const priceGrid = writer.priceGrid;
        const sizeGrid = writer.sizeGrid;
        const onGrid = (name: string, value: number, grid = priceGrid): number | string => {
            const ticks = grid.fromNumber(value);
            return ticks !== ticks ? `${name}: ${value !== value ? 'not a number' : grid.error}` : ticks;
        };
        for (let i = 0; i < n; i++) {
            const t = time[i];
            let reason = timeProblem(t);
            if (!reason) {
                const size = rows.size ? (rows.size[i] !== rows.size[i] ? 'size: not a number' : onGrid('size', rows.size[i], sizeGrid)) : NaN;
                if (typeof size === 'string') {
                    reason = size;
                } else if (rows.price) {
                    const price = onGrid('price', rows.price[i]);
                    reason = typeof price === 'string' ? price : writer.addTrade(t, price, size, 0);
                } else {
                    const bid = onGrid('bid', rows.bid![i]);
                    const ask = onGrid('ask', rows.ask![i]);
                    reason = typeof bid === 'string' ? bid : typeof ask === 'string' ? ask : writer.addQuote(t, bid, ask, size, size, 0);
                }
            }
            if (reason) {
                this.session.quarantine(writer, label, line ? line[i] : i + 1, -1, sourceRowText(rows, i), reason, Number.isFinite(t) ? t : NaN);
            }
            if ((i + 1) % STEP === 0) {
                this.session.progress(Math.round(bytes * (i + 1) / n));
                await new Promise(resolve => setImmediate(resolve));
                this.session.checkCancelled();
            }
        }
    }
}

/** The wizard's preview of rows an import source read: time in UTC ISO, prices as the source gave them. */
export function previewSourceRows(path: string, source: ImportSourceDescriptor, rows: ImportSourceRows, maxRows: number, rawLines: string[]): ImportPreview {
    const out: ImportPreview['rows'][number][] = [];
    const n = rows.time.length;
    let r = 0;
    const rejected = [...rows.rejected].sort((a, b) => a.line - b.line);
    let k = 0;
    while (out.length < maxRows && (r < n || k < rejected.length)) {
        const line = r < n ? (rows.line ? rows.line[r] : r + 1) : Infinity;
        if (k < rejected.length && rejected[k].line <= line) {
            out.push({ line: rejected[k].line, error: rejected[k].reason });
            k++;
            continue;
        }
        const values: Record<string, string | number> = {};
        const t = rows.time[r];
        values.time = Number.isSafeInteger(t) ? isoFromMicros(t) : String(t);
        for (const name of ['price', 'bid', 'ask', 'size'] as const) {
            const c = rows[name];
            if (c) {
                values[name] = c[r];
            }
        }
        out.push({ line, values });
        r++;
    }
    return {
        path, format: 'source', source, rawLines, rows: out,
        message: `${n.toLocaleString('en-US')} rows read` + (rows.rejected.length ? `, ${rows.rejected.length.toLocaleString('en-US')} lines rejected by the source` : '')
    };
}
