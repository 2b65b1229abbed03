// *****************************************************************************
// Export of a dataset: Parquet (zstd, DuckDB's writer), CSV (exact decimal prices, ISO UTC
// times), or our binary tick format (`.btb`).
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import { DatasetErrors, DatasetKey, ExportFormat } from '../common/dataset-protocol';
import { encodeBinaryTicks } from './binary-tick-format';
import { decimalParts } from './price-grid';
import { num, sqlString, TickRepository, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

export class DatasetExporter {
    constructor(readonly db: WorkspaceDatabase) { }

    async export(key: DatasetKey, format: ExportFormat, targetPath: string): Promise<{ path: string; rows: number; bytes: number }> {
        const repo = new TickRepository(this.db);
        const instrument = await repo.getInstrument(key.instrumentId);
        if (!instrument) {
            throw DatasetErrors.UnknownDataset(key.instrumentId, key.kind);
        }
        fs.mkdirSync(path.dirname(path.resolve(targetPath)), { recursive: true });
        if (format === 'btb') {
            if (key.kind === 'bars') {
                throw DatasetErrors.InvalidOptions('The binary tick format holds ticks; export bars as Parquet or CSV');
            }
            const ticks = await repo.readTicks(key);
            fs.writeFileSync(targetPath, encodeBinaryTicks(instrument, key.kind, ticks));
            return { path: targetPath, rows: ticks.count, bytes: fs.statSync(targetPath).size };
        }
        const { mantissa, exponent } = decimalParts(instrument.tickSize);
        const unit = exponent === 0 ? '1::DECIMAL(18,0)' : `0.${'0'.repeat(exponent - 1)}1::DECIMAL(18,${exponent})`;
        const price = (column: string): string => `(${column} * ${mantissa})::DECIMAL(18,0) * ${unit}`;
        const time = `strftime(make_timestamp(time_us), '%Y-%m-%dT%H:%M:%S.%fZ')`;
        const id = Math.trunc(key.instrumentId);
        // Ticks from the dataset's own segments (in time order), not the views over every dataset's.
        const ticks = key.kind === 'bars' ? '' : await repo.store.relation({ instrumentId: id, kind: key.kind });
        let select: string;
        if (key.kind === 'trades') {
            select = `SELECT time_us, ${format === 'csv' ? `${time} AS time, ` : ''}${price('price_ticks')} AS price, price_ticks, size, flags
                FROM ${ticks}`;
        } else if (key.kind === 'quotes') {
            select = `SELECT time_us, ${format === 'csv' ? `${time} AS time, ` : ''}${price('bid_ticks')} AS bid, ${price('ask_ticks')} AS ask,
                bid_ticks, ask_ticks, bid_size, ask_size, flags FROM ${ticks}`;
        } else {
            select = `SELECT time_us, ${format === 'csv' ? `${time} AS time, ` : ''}timeframe, side, ${price('open_ticks')} AS open,
                ${price('high_ticks')} AS high, ${price('low_ticks')} AS low, ${price('close_ticks')} AS close, volume
                FROM bars WHERE instrument_id = ${id} AND origin = 'import' ORDER BY time_us`;
        }
        const options = format === 'parquet' ? `(FORMAT parquet, COMPRESSION zstd)` : `(FORMAT csv, HEADER true)`;
        await this.db.run(`COPY (${select}) TO ${sqlString(targetPath)} ${options}`);
        const rows = key.kind === 'bars'
            ? await this.db.scalar(`SELECT count(*) FROM bars WHERE instrument_id = ${id} AND origin = 'import'`)
            : await this.db.scalar(`SELECT coalesce(sum(rows), 0) FROM tick_segments WHERE instrument_id = ${id} AND kind = '${key.kind}'`);
        return { path: targetPath, rows: num(rows), bytes: fs.statSync(targetPath).size };
    }
}
