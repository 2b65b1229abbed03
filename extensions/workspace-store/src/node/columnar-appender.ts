// *****************************************************************************
// Bulk append of typed-array columns into a DuckDB table: fills data chunks by copying whole
// column slices into the native vectors (one memcpy per column per 2048 rows) and hands each
// chunk to the appender. Measured ~10M rows/s for five integer columns, against ~1M/s for
// per-value appends. Appends join the connection's open transaction, so ROLLBACK undoes them.
// *****************************************************************************

import { DuckDBAppender, DuckDBConnection, DuckDBDataChunk, DuckDBType, BIGINT, INTEGER, UTINYINT, VARCHAR, DOUBLE } from '@duckdb/node-api';
import * as duckdb from '@duckdb/node-bindings';

export type ColumnType = 'BIGINT' | 'INTEGER' | 'UTINYINT' | 'DOUBLE' | 'VARCHAR';

/**
 * A column's values for one append: a typed array (BIGINT from Float64Array holding integers,
 * INTEGER from Int32Array, UTINYINT from Uint8Array, DOUBLE from Float64Array), strings for VARCHAR,
 * one number or string repeated on every row, or `null` for a column that is NULL on every row.
 * NaN in a BIGINT column is stored as NULL.
 */
export type ColumnValues = Float64Array | Int32Array | Uint8Array | readonly (string | null)[] | number | string | null;

const VECTOR_SIZE = 2048;

function duckType(type: ColumnType): DuckDBType {
    switch (type) {
        case 'BIGINT': return BIGINT;
        case 'INTEGER': return INTEGER;
        case 'UTINYINT': return UTINYINT;
        case 'DOUBLE': return DOUBLE;
        case 'VARCHAR': return VARCHAR;
    }
}

function byteWidth(type: ColumnType): number {
    switch (type) {
        case 'BIGINT': case 'DOUBLE': return 8;
        case 'INTEGER': return 4;
        case 'UTINYINT': return 1;
        case 'VARCHAR': return 16;
    }
}

export class ColumnarAppender {
    protected readonly chunk: DuckDBDataChunk;
    protected readonly scratch: ArrayBuffer[];
    protected readonly allInvalid = new ArrayBuffer(VECTOR_SIZE / 8);
    /** Validity of one column of the chunk being filled (copied into the vector before the next use). */
    protected readonly nullMask = new Uint8Array(VECTOR_SIZE / 8);

    protected constructor(protected readonly appender: DuckDBAppender, protected readonly types: readonly ColumnType[]) {
        this.chunk = DuckDBDataChunk.create(types.map(duckType), VECTOR_SIZE);
        this.scratch = types.map(t => new ArrayBuffer(VECTOR_SIZE * byteWidth(t)));
    }

    /** An appender to `table`, or to the temporary table of that name with `temporary`. */
    static async create(connection: DuckDBConnection, table: string, types: readonly ColumnType[], temporary = false): Promise<ColumnarAppender> {
        const appender = temporary ? await connection.createAppender(table, 'main', 'temp') : await connection.createAppender(table);
        if (appender.columnCount !== types.length) {
            appender.closeSync();
            throw new Error(`Table ${table} has ${appender.columnCount} columns, the appender was given ${types.length}`);
        }
        return new ColumnarAppender(appender, types);
    }

    /** Appends rows [start, end) of the given columns. */
    append(columns: readonly ColumnValues[], start: number, end: number): void {
        for (let at = start; at < end; at += VECTOR_SIZE) {
            const n = Math.min(VECTOR_SIZE, end - at);
            this.chunk.reset();
            for (let c = 0; c < this.types.length; c++) {
                this.fillVector(c, columns[c], at, n);
            }
            duckdb.data_chunk_set_size(this.chunk.chunk, n);
            this.appender.appendDataChunk(this.chunk);
        }
    }

    close(): void {
        this.appender.flushSync();
        this.appender.closeSync();
    }

    protected fillVector(c: number, values: ColumnValues, at: number, n: number): void {
        const type = this.types[c];
        const vector = duckdb.data_chunk_get_vector(this.chunk.chunk, c);
        if (values === null) {
            duckdb.vector_ensure_validity_writable(vector);
            duckdb.copy_data_to_vector_validity(vector, 0, this.allInvalid, 0, Math.ceil(n / 64) * 8);
            return;
        }
        if (type === 'VARCHAR' && typeof values === 'string') {
            // A constant vector: one value for the whole chunk, no per-row work.
            duckdb.vector_reference_value(vector, duckdb.create_varchar(values));
            return;
        }
        if (type === 'VARCHAR') {
            const strings = values as readonly (string | null)[];
            let hasNull = false;
            for (let i = 0; i < n; i++) {
                const s = strings[at + i];
                if (s === null) {
                    hasNull = true;
                } else {
                    duckdb.vector_assign_string_element(vector, i, s);
                }
            }
            if (hasNull) {
                const mask = new Uint8Array(Math.ceil(n / 64) * 8).fill(0xff);
                for (let i = 0; i < n; i++) {
                    if (strings[at + i] === null) {
                        mask[i >> 3] &= ~(1 << (i & 7));
                    }
                }
                duckdb.vector_ensure_validity_writable(vector);
                duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer as ArrayBuffer, 0, mask.byteLength);
            }
            return;
        }
        const buffer = this.scratch[c];
        if (type === 'BIGINT') {
            const words = new Int32Array(buffer);
            if (typeof values === 'number') {
                const lo = values >>> 0, hi = Math.floor(values / 4294967296);
                for (let i = 0; i < n; i++) {
                    words[2 * i] = lo;
                    words[2 * i + 1] = hi;
                }
            } else {
                const src = values as Float64Array;
                let nulls: Uint8Array | undefined;
                let nullCount = 0;
                for (let i = 0; i < n; i++) {
                    const v = src[at + i];
                    if (v !== v) {
                        if (!nulls) {
                            nulls = this.nullMask;
                            nulls.fill(0xff);
                        }
                        nulls[i >> 3] &= ~(1 << (i & 7));
                        words[2 * i] = 0;
                        words[2 * i + 1] = 0;
                        nullCount++;
                        continue;
                    }
                    words[2 * i] = v >>> 0;
                    words[2 * i + 1] = Math.floor(v / 4294967296);
                }
                if (nullCount === n) {
                    // All NULL (sizes of FX quotes): the validity mask alone, no data.
                    duckdb.vector_ensure_validity_writable(vector);
                    duckdb.copy_data_to_vector_validity(vector, 0, this.allInvalid, 0, Math.ceil(n / 64) * 8);
                    return;
                }
                if (nulls) {
                    duckdb.vector_ensure_validity_writable(vector);
                    duckdb.copy_data_to_vector_validity(vector, 0, nulls.buffer as ArrayBuffer, 0, Math.ceil(n / 64) * 8);
                }
            }
            duckdb.copy_data_to_vector(vector, 0, buffer, 0, n * 8);
            return;
        }
        if (typeof values === 'number') {
            const view = type === 'INTEGER' ? new Int32Array(buffer) : type === 'DOUBLE' ? new Float64Array(buffer) : new Uint8Array(buffer);
            view.fill(values, 0, n);
            duckdb.copy_data_to_vector(vector, 0, buffer, 0, n * byteWidth(type));
            return;
        }
        const src = values as Float64Array | Int32Array | Uint8Array;
        duckdb.copy_data_to_vector(vector, 0, src.buffer as ArrayBuffer, src.byteOffset + at * src.BYTES_PER_ELEMENT, n * src.BYTES_PER_ELEMENT);
    }
}
