// *****************************************************************************
// Import of the Parquet files `backtestr export ... parquet` writes (dataset-exporter.ts): trades
// (time_us, price, price_ticks, size, flags) or quotes (time_us, bid, ask, bid_ticks, ask_ticks,
// bid_size, ask_size, flags), read by DuckDB into typed columns. The decimal prices go onto the
// target instrument's grid and every row through the DatasetWriter's checks, as a CSV row's would.
// *****************************************************************************

import { DatasetErrors, DatasetKind } from '../common/dataset-protocol';
import { sqlString, TickRepository } from '@backtestr/workspace-store/lib/node';
import { DatasetWriter } from './dataset-writer';
import { ImportSession } from './import-session';

/** Whether the bytes start as a Parquet file does (`PAR1`). */
export function isParquetFile(data: Uint8Array): boolean {
    return data.length >= 4 && data[0] === 0x50 && data[1] === 0x41 && data[2] === 0x52 && data[3] === 0x31;
}

/** The kind of an exported Parquet file, by its columns; undefined when it is not one of ours. */
export async function parquetKind(repo: TickRepository, filePath: string): Promise<DatasetKind | undefined> {
    const rows = await repo.db.all(`SELECT name FROM parquet_schema(${sqlString(filePath)})`);
    const names = new Set(rows.map(r => String(r.name)));
    if (['time_us', 'price', 'size', 'flags'].every(n => names.has(n))) {
        return 'trades';
    }
    if (['time_us', 'bid', 'ask', 'bid_size', 'ask_size', 'flags'].every(n => names.has(n))) {
        return 'quotes';
    }
    return undefined;
}

export class ParquetImporter {
    constructor(protected readonly session: ImportSession, protected readonly repo: TickRepository) { }

    /** Validates and stores the rows of one exported Parquet file into `writer`'s dataset. */
    async importFile(label: string, filePath: string, writer: DatasetWriter): Promise<void> {
        const from = `read_parquet(${sqlString(filePath)})`;
        // Unknown sizes are NULL in the file, NaN here (as an empty CSV field).
        const nan = (c: string): string => `coalesce(${c}::DOUBLE, 'NaN'::DOUBLE)`;
        const trades = writer.kind === 'trades';
        const sql = trades
            ? `SELECT time_us, price::DOUBLE, ${nan('size')}, flags FROM ${from}`
            : `SELECT time_us, bid::DOUBLE, ask::DOUBLE, ${nan('bid_size')}, ${nan('ask_size')}, flags FROM ${from}`;
        const { count, columns } = await this.repo.readColumns(sql, trades ? ['BIGINT', 'DOUBLE', 'DOUBLE', 'INTEGER']
            : ['BIGINT', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'INTEGER']);
        const price = writer.priceGrid, size = writer.sizeGrid;
        const onGrid = (name: string, value: number, grid: typeof price, optional = false): number | string => {
            if (optional && value !== value) {
                return NaN;
            }
            const ticks = grid.fromNumber(value);
            return ticks !== ticks ? `${name}: ${grid.error}` : ticks;
        };
        const time = columns[0], flags = columns[trades ? 3 : 5];
        for (let i = 0; i < count; i++) {
            let reason: string;
            if (trades) {
                const p = onGrid('price', columns[1][i], price), s = onGrid('size', columns[2][i], size, true);
                reason = typeof p === 'string' ? p : typeof s === 'string' ? s : writer.addTrade(time[i], p, s, flags[i]);
            } else {
                const b = onGrid('bid', columns[1][i], price), a = onGrid('ask', columns[2][i], price);
                const bs = onGrid('bid size', columns[3][i], size, true), as = onGrid('ask size', columns[4][i], size, true);
                const bad = [b, a, bs, as].find((v): v is string => typeof v === 'string');
                reason = bad ?? writer.addQuote(time[i], b as number, a as number, bs as number, as as number, flags[i]);
            }
            if (reason) {
                this.session.quarantine(writer, label, i + 1, -1, `row ${i + 1} of ${label}`, reason, time[i]);
            }
            if ((i & 0xffff) === 0xffff) {
                this.session.checkCancelled();
            }
        }
        if (count === 0 && !(await parquetKind(this.repo, filePath))) {
            throw DatasetErrors.FormatMismatch(label, 'is a Parquet file without the columns of a BackTestr export');
        }
    }
}
