// *****************************************************************************
// The tick store: a dataset's trades, quotes or imported bars as zstd Parquet segments beside the workspace
// database (`<name>.ticks/<instrument>/<kind>/<first day>_<id>.parquet`), registered in the
// `tick_segments` table and read through DuckDB. DuckDB's own storage only bit-packs integers
// (4-5 bytes a tick, a 2-3x saving on a tick CSV); Parquet with zstd (and delta encoding where it pays), the time
// kept in the unit the data has (µs, ms, s or minutes) and the ask kept as the spread over the
// bid, stores a tick in 2-2.5 bytes.
//
// A segment covers whole UTC days (a large import that writes what it has every few million rows
// may end one inside a day) and holds one dataset's rows in time order (ties in the order they
// were imported). Segments of a dataset never share a microsecond: rows that would land in
// or touch an existing segment's time range are merged with it into a new segment. So time, then
// the row number inside its file (`seq`), orders every row of a dataset.
//
// Files are immutable and written before the transaction that registers them commits; the
// registry, not the folder, says which exist. A rolled-back transaction's files and a replaced
// segment's file are deleted when the transaction settles; whatever a crash left behind is swept
// when the database is next opened for writing. The views `trades` and `quotes` (the canonical
// columns over all registered segments) are rewritten in the same transaction as the registry.
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetKey } from '../common/workspace-store-protocol';
import { floorDiv, num, sqlString } from './sql-values';
import type { DatabaseConnection } from './database-connection';

/** What the store holds: trades, quotes and imported bars (the bar cache stays in the `bar_cache` table). */
export type TickKind = 'trades' | 'quotes' | 'bars';

const DAY_US = 86_400_000_000;

/** Rows a segment gathers (whole UTC days) before the next one starts: big enough for zstd, small enough to skip by time. */
export const SEGMENT_ROWS = 2_000_000;

/** The canonical columns of a bar (the `bar_cache` table's, and those of imported bars in the `bars` view). */
const BAR_NAMES = ['instrument_id', 'timeframe', 'origin', 'side', 'time_us', 'open_ticks', 'high_ticks', 'low_ticks', 'close_ticks', 'volume',
    'tick_count', 'import_id'];
const BAR_TYPES = ['INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'INTEGER'];
const BAR_COLUMNS = BAR_NAMES.map((c, i) => `${c} ${BAR_TYPES[i]}`).join(', ');

interface KindLayout {
    /** The canonical columns (what the importers append and the views show). */
    readonly columns: string;
    /** The stored columns from canonical rows, `unit` being the segment's time unit. */
    readonly toFile: (unit: number) => string;
    /** Parquet writer options beyond PARQUET_OPTIONS. */
    readonly parquet: string;
    /** The canonical columns from stored ones. */
    readonly fromFile: string;
    /** A row-less relation with the canonical columns and `seq`. */
    readonly empty: string;
}

const LAYOUTS: Record<TickKind, KindLayout> = {
    trades: {
        columns: 'instrument_id INTEGER, time_us BIGINT, price_ticks BIGINT, size BIGINT, flags INTEGER',
        toFile: unit => `instrument_id, time_us // ${unit} AS time_q, ${unit}::BIGINT AS time_unit, price_ticks, size, flags`,
        fromFile: 'instrument_id, time_q * time_unit AS time_us, price_ticks, size, flags',
        // Sizes and flags (exchange codes) repeat a few values: dictionaries (2.3 bytes a real SPY trade, 2.8 without).
        // Parquet V1 (times plain under zstd): 2.3 bytes instead of V2's 2.1, for a quarter less CPU to write.
        parquet: ', PARQUET_VERSION V1',
        empty: 'SELECT NULL::INTEGER AS instrument_id, NULL::BIGINT AS time_us, NULL::BIGINT AS price_ticks, NULL::BIGINT AS size, '
            + 'NULL::INTEGER AS flags, NULL::BIGINT AS seq WHERE false'
    },
    quotes: {
        columns: 'instrument_id INTEGER, time_us BIGINT, bid_ticks BIGINT, ask_ticks BIGINT, bid_size BIGINT, ask_size BIGINT, flags INTEGER',
        toFile: unit => `instrument_id, time_us // ${unit} AS time_q, ${unit}::BIGINT AS time_unit, bid_ticks, ask_ticks - bid_ticks AS spread_ticks, `
            + 'bid_size, ask_size, flags',
        fromFile: 'instrument_id, time_q * time_unit AS time_us, bid_ticks, bid_ticks + spread_ticks AS ask_ticks, bid_size, ask_size, flags',
        // A bid moves by a few ticks at a time: delta encoding, not a dictionary of its levels (2.4 bytes a real EURUSD
        // quote instead of 3.1; the zero-order entropy of its time, bid and spread steps is 2.1).
        parquet: ', PARQUET_VERSION V2, DICTIONARY_SIZE_LIMIT 1',
        empty: 'SELECT NULL::INTEGER AS instrument_id, NULL::BIGINT AS time_us, NULL::BIGINT AS bid_ticks, NULL::BIGINT AS ask_ticks, '
            + 'NULL::BIGINT AS bid_size, NULL::BIGINT AS ask_size, NULL::INTEGER AS flags, NULL::BIGINT AS seq WHERE false'
    },
    bars: {
        columns: BAR_COLUMNS,
        // The open delta-encoded; high, low and close as small distances from the body (a HistData minute bar: 3.7 bytes).
        toFile: unit => `instrument_id, timeframe, side, time_us // ${unit} AS time_q, ${unit}::BIGINT AS time_unit, open_ticks, `
            + 'close_ticks - open_ticks AS body_ticks, high_ticks - greatest(open_ticks, close_ticks) AS up_ticks, '
            + 'least(open_ticks, close_ticks) - low_ticks AS down_ticks, volume, tick_count, import_id',
        fromFile: `instrument_id, timeframe, 'import' AS origin, side, time_q * time_unit AS time_us, open_ticks, `
            + 'greatest(open_ticks, open_ticks + body_ticks) + up_ticks AS high_ticks, least(open_ticks, open_ticks + body_ticks) - down_ticks AS low_ticks, '
            + 'open_ticks + body_ticks AS close_ticks, volume, tick_count, import_id',
        parquet: ', PARQUET_VERSION V2, DICTIONARY_SIZE_LIMIT 1',
        empty: `SELECT ${BAR_NAMES.map((c, i) => `NULL::${BAR_TYPES[i]} AS ${c}`).join(', ')}, NULL::BIGINT AS seq WHERE false`
    }
};

/**
 * The time units a segment may store its times in, coarsest first: each divides the ones before it. A segment's unit
 * divides each of its times, so `time_us // unit` (toward zero) is exact, before 1970 too.
 */
const TIME_UNITS = [60_000_000, 1_000_000, 1_000, 1];

/** zstd level 1: the same size as the default level 3 on these columns, in 2/3 of the time. */
const PARQUET_OPTIONS = 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1';

/** One registered segment file. */
export interface TickSegment {
    readonly id: number;
    readonly instrumentId: number;
    readonly kind: TickKind;
    /** Path relative to the store folder. */
    readonly file: string;
    readonly firstUs: number;
    readonly lastUs: number;
    readonly rows: number;
    readonly bytes: number;
    /** Microseconds per unit of the stored times. */
    readonly timeUnit: number;
}

/** The registry's DDL (schema migration 4). */
export const TICK_SEGMENTS_DDL = [
    'CREATE SEQUENCE tick_segment_seq START 1',
    `CREATE TABLE tick_segments (
        id BIGINT NOT NULL,
        instrument_id INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        file VARCHAR NOT NULL,
        first_us BIGINT NOT NULL,
        last_us BIGINT NOT NULL,
        rows BIGINT NOT NULL,
        bytes BIGINT NOT NULL,
        time_unit BIGINT NOT NULL,
        import_id INTEGER
    )`
];

/** The name of the temporary table an import appends a kind's canonical rows to. */
export function stagingTable(kind: TickKind): string {
    return `staged_${kind}`;
}


function isoDay(us: number): string {
    return new Date(Math.floor(us / DAY_US) * 86_400_000).toISOString().slice(0, 10);
}

export class TickStore {
    /**
     * `staging`: the connection whose temporary tables hold rows on their way into segments. Not the transaction's own
     * connection: a temporary table emptied there gives its memory back at once (in the transaction, only at its end).
     */
    constructor(readonly db: DatabaseConnection, protected readonly staging?: DuckDBConnection) { }

    protected async stagingRun(sql: string): Promise<void> {
        if (!this.staging) {
            throw new Error('This TickStore was made without a staging connection');
        }
        await this.staging.run(sql);
    }

    protected async stagingAll(sql: string): Promise<Record<string, unknown>[]> {
        if (!this.staging) {
            throw new Error('This TickStore was made without a staging connection');
        }
        return (await this.staging.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    }

    /** The folder holding the segment files. */
    get dir(): string {
        return this.db.tickStoreDir;
    }

    /** How a view or query names a segment file: relative to DuckDB's file_search_path (the database's folder). */
    protected fileRef(file: string): string {
        return sqlString(path.join(this.db.tickStoreRef, file));
    }

    /** Creates the temporary table an import appends a kind's rows to (in the import's transaction). */
    async createStaging(kind: TickKind): Promise<void> {
        await this.stagingRun(`CREATE OR REPLACE TEMP TABLE ${stagingTable(kind)} (${LAYOUTS[kind].columns})`);
    }

    async dropStaging(kind: TickKind): Promise<void> {
        await this.stagingRun(`DROP TABLE IF EXISTS ${stagingTable(kind)}`);
    }

    /** Instruments with rows in a kind's staging table. */
    async stagedInstruments(kind: TickKind): Promise<number[]> {
        const rows = await this.stagingAll(`SELECT DISTINCT instrument_id FROM ${stagingTable(kind)} ORDER BY 1`);
        return rows.map(r => num(r.instrument_id));
    }

    /**
     * Writes the staged rows of one dataset as segments and registers them; segments whose time range the new rows
     * reach into or touch are merged into the new ones and retired. The caller holds the transaction and refreshes
     * the views (`refreshViews`) once its datasets are written. `inOrder`: the caller knows the staged rows are in time
     * order (no sort needed unless segments merge). Returns the rows written.
     */
    async writeStaged(kind: TickKind, instrumentId: number, importId: number | null, inOrder = false): Promise<number> {
        const staging = stagingTable(kind);
        const id = Math.trunc(instrumentId);
        const [span] = await this.stagingAll(`SELECT min(time_us)::DOUBLE AS lo, max(time_us)::DOUBLE AS hi, count(*)::DOUBLE AS n
            FROM ${staging} WHERE instrument_id = ${id}`);
        const staged = num(span?.n);
        if (!(staged > 0)) {
            return 0;
        }
        // Existing segments the new rows overlap or touch, merged with them. Segments of a dataset are disjoint, so
        // those are a run of consecutive ones, and no other segment lies inside the span they and the new rows cover.
        const lo = num(span.lo), hi = num(span.hi);
        const merged = (await this.segments({ instrumentId: id, kind })).filter(s => s.firstUs <= hi && s.lastUs >= lo);
        // The rows to write: the merged segments' rows first, then the staged ones, each in their own order.
        const layout = LAYOUTS[kind];
        const canonical = layout.columns.split(',').map(c => c.trim().split(' ')[0]).join(', ');
        const source = merged.length
            ? `(SELECT ${canonical}, 0 AS o, seq AS r FROM ${this.filesRelation(kind, merged.map(s => s.file))}
                UNION ALL SELECT ${canonical}, 1 AS o, rowid AS r FROM ${staging} WHERE instrument_id = ${id})`
            : `(SELECT ${canonical}, 1 AS o, rowid AS r FROM ${staging} WHERE instrument_id = ${id})`;
        if (merged.length) {
            await this.stagingRun(`CREATE OR REPLACE TEMP TABLE merge_rows AS SELECT * FROM ${source}`);
        }
        const rowsOf = merged.length ? 'merge_rows' : source;
        // Whole UTC days, with the coarsest time unit each day's times allow, grouped into segments of about SEGMENT_ROWS.
        const unitCase = `CASE ${TIME_UNITS.slice(0, -1).map(u => `WHEN bool_and(time_us % ${u} = 0) THEN ${u}`).join(' ')} ELSE 1 END`;
        const days = await this.stagingAll(`SELECT ${floorDiv('time_us', DAY_US)} AS d, count(*)::DOUBLE AS n, min(time_us)::DOUBLE AS lo, max(time_us)::DOUBLE AS hi,
            ${unitCase} AS unit FROM ${rowsOf} GROUP BY 1 ORDER BY 1`);
        const groups: { fromDay: number; toDay: number; rows: number; lo: number; hi: number; unit: number }[] = [];
        for (const d of days) {
            const day = num(d.d), n = num(d.n), unit = num(d.unit);
            const last = groups[groups.length - 1];
            if (last && last.rows + n <= SEGMENT_ROWS) {
                last.toDay = day;
                last.rows += n;
                last.hi = num(d.hi);
                last.unit = Math.min(last.unit, unit);
            } else {
                groups.push({ fromDay: day, toDay: day, rows: n, lo: num(d.lo), hi: num(d.hi), unit });
            }
        }
        const folder = path.join(String(id), kind);
        fs.mkdirSync(path.join(this.dir, folder), { recursive: true });
        const written: string[] = [];
        this.db.afterTransaction(committed => {
            // Rolled back: the new files are orphans. Committed: the merged segments' files are.
            for (const file of committed ? merged.map(s => s.file) : written) {
                fs.rmSync(path.join(this.dir, file), { force: true });
            }
        });
        let total = 0;
        for (const g of groups) {
            const segmentId = num(await this.db.scalar(`SELECT nextval('tick_segment_seq')`));
            const file = path.join(folder, `${isoDay(g.lo)}_${segmentId}.parquet`);
            const absolute = path.join(this.dir, file);
            written.push(file);
            await this.stagingRun(`COPY (SELECT ${layout.toFile(g.unit)} FROM ${rowsOf}
                WHERE time_us >= ${g.fromDay * DAY_US} AND time_us < ${(g.toDay + 1) * DAY_US}${inOrder && !merged.length ? '' : ' ORDER BY time_us, o, r'})
                TO ${sqlString(absolute)} (${PARQUET_OPTIONS}${layout.parquet})`);
            const bytes = fs.statSync(absolute).size;
            await this.db.run(`INSERT INTO tick_segments VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
                [segmentId, id, kind, file, g.lo, g.hi, g.rows, bytes, g.unit, importId]);
            total += g.rows;
        }
        if (merged.length) {
            await this.db.run(`DELETE FROM tick_segments WHERE id IN (${merged.map(s => s.id).join(', ')})`);
            await this.stagingRun('DROP TABLE merge_rows');
        }
        return total;
    }

    /**
     * `writeStaged` for every instrument in a kind's staging table; `inOrder(id)` says whose rows arrived in time order.
     * Returns the rows written.
     */
    async writeAllStaged(kind: TickKind, importId: number | null, inOrder: (instrumentId: number) => boolean = () => false): Promise<number> {
        let rows = 0;
        for (const id of await this.stagedInstruments(kind)) {
            rows += await this.writeStaged(kind, id, importId, inOrder(id));
        }
        return rows;
    }

    /**
     * Writes rows of a query (canonical columns of the kind, any instruments, in the order to keep for equal times) as
     * segments, in one transaction. For tools and tests; imports go through ImportSession.
     */
    async appendTicks(kind: TickKind, selectSql: string, importId: number | null = null): Promise<number> {
        const staging = await this.db.connect();
        try {
            const store = new TickStore(this.db, staging);
            await store.createStaging(kind);
            await staging.run(`INSERT INTO ${stagingTable(kind)} SELECT * FROM (${selectSql})`);
            return await this.db.transaction(async () => {
                const rows = await store.writeAllStaged(kind, importId);
                await this.refreshViews([kind]);
                return rows;
            });
        } finally {
            staging.closeSync();
        }
    }

    /** Unregisters a dataset's segments (in the caller's transaction); their files go when it commits. */
    async deleteDataset(key: DatasetKey): Promise<void> {
        const kind = key.kind as TickKind;
        const segments = await this.segments({ instrumentId: key.instrumentId, kind });
        if (!segments.length) {
            return;
        }
        await this.db.run('DELETE FROM tick_segments WHERE instrument_id = $1 AND kind = $2', [Math.trunc(key.instrumentId), kind]);
        this.db.afterTransaction(committed => {
            if (committed) {
                for (const s of segments) {
                    fs.rmSync(path.join(this.dir, s.file), { force: true });
                }
            }
        });
        await this.refreshViews([kind]);
    }

    /** A dataset's segments in time order, those overlapping [from, to) when given. */
    async segments(key: { instrumentId: number; kind: TickKind }, from?: number, to?: number): Promise<TickSegment[]> {
        const parts = [`instrument_id = ${Math.trunc(key.instrumentId)}`, `kind = ${sqlString(key.kind)}`];
        if (from !== undefined && Number.isFinite(from)) {
            parts.push(`last_us >= ${Math.trunc(from)}`);
        }
        if (to !== undefined && Number.isFinite(to)) {
            parts.push(`first_us < ${Math.trunc(to)}`);
        }
        const rows = await this.db.all(`SELECT * FROM tick_segments WHERE ${parts.join(' AND ')} ORDER BY first_us, id`);
        return rows.map(r => ({
            id: num(r.id), instrumentId: num(r.instrument_id), kind: String(r.kind) as TickKind, file: String(r.file),
            firstUs: num(r.first_us), lastUs: num(r.last_us), rows: num(r.rows), bytes: num(r.bytes), timeUnit: num(r.time_unit)
        }));
    }

    /**
     * A relation (for a FROM clause) with the canonical columns and `seq` over a dataset's segments that overlap
     * [from, to): rows in time order. Filter on time_us yourself; segments only narrow what is read.
     */
    async relation(key: { instrumentId: number; kind: TickKind }, from?: number, to?: number): Promise<string> {
        return this.rangeRelation(key.kind, await this.segments(key, from, to), from, to);
    }

    /**
     * The rows of the given segments in [from, to). When they store time in one unit, the range is a condition on the
     * stored time, which DuckDB checks against each row group's statistics: a narrow range reads only its row groups.
     */
    rangeRelation(kind: TickKind, segments: readonly TickSegment[], from?: number, to?: number): string {
        const files = segments.map(s => s.file);
        const unit = segments[0]?.timeUnit;
        const bounded = (from !== undefined && Number.isFinite(from)) || (to !== undefined && Number.isFinite(to));
        if (!bounded || !segments.every(s => s.timeUnit === unit)) {
            return this.filesRelation(kind, files);
        }
        const parts: string[] = [];
        if (from !== undefined && Number.isFinite(from)) {
            parts.push(`time_q >= ${Math.ceil(from / unit)}`);
        }
        if (to !== undefined && Number.isFinite(to)) {
            parts.push(`time_q < ${Math.ceil(to / unit)}`);
        }
        return this.filesRelation(kind, files, parts.join(' AND '));
    }

    /** A relation over the given segment files (relative to the store folder), in the order given. */
    filesRelation(kind: TickKind, files: readonly string[], storedWhere?: string): string {
        if (!files.length) {
            return `(${LAYOUTS[kind].empty})`;
        }
        return `(SELECT ${LAYOUTS[kind].fromFile}, file_row_number AS seq FROM read_parquet([${files.map(f => this.fileRef(f)).join(', ')}], file_row_number = true)`
            + `${storedWhere ? ` WHERE ${storedWhere}` : ''})`;
    }

    /** Rewrites the views of the given kinds (default all) over every registered segment (in the caller's transaction, if any). */
    async refreshViews(kinds: readonly TickKind[] = ['trades', 'quotes', 'bars']): Promise<void> {
        const files = async (kind: TickKind): Promise<string[]> =>
            (await this.db.all(`SELECT file FROM tick_segments WHERE kind = '${kind}' ORDER BY instrument_id, first_us, id`)).map(r => String(r.file));
        for (const kind of (['trades', 'quotes'] as const).filter(k => kinds.includes(k))) {
            await this.db.run(`CREATE OR REPLACE VIEW ${kind} AS SELECT * FROM ${this.filesRelation(kind, await files(kind))}`);
        }
        // `bars`: the bar cache and the imported bars (from schema 5, when the bars table became bar_cache).
        if (kinds.includes('bars') && Number(await this.db.scalar(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'bar_cache'`)) > 0) {
            const columns = BAR_NAMES.join(', ');
            await this.db.run(`CREATE OR REPLACE VIEW bars AS SELECT ${columns} FROM bar_cache
                UNION ALL SELECT ${columns} FROM ${this.filesRelation('bars', await files('bars'))}`);
        }
    }

    /** Deletes files in the store folder that no registered segment names (left by a crash); for a read-write open. */
    async sweep(): Promise<number> {
        if (!fs.existsSync(this.dir)) {
            return 0;
        }
        const known = new Set((await this.db.all('SELECT file FROM tick_segments')).map(r => path.normalize(String(r.file))));
        let removed = 0;
        const walk = (rel: string): void => {
            for (const entry of fs.readdirSync(path.join(this.dir, rel), { withFileTypes: true })) {
                const child = path.join(rel, entry.name);
                if (entry.isDirectory()) {
                    walk(child);
                } else if (!known.has(path.normalize(child))) {
                    fs.rmSync(path.join(this.dir, child), { force: true });
                    removed++;
                }
            }
        };
        walk('');
        return removed;
    }

    /** Bytes of each dataset's segment files. */
    async bytesByDataset(): Promise<Map<string, number>> {
        const rows = await this.db.all('SELECT instrument_id, kind, sum(bytes)::DOUBLE AS b FROM tick_segments GROUP BY ALL');
        return new Map(rows.map(r => [`${num(r.instrument_id)}:${String(r.kind)}`, num(r.b)]));
    }

    /**
     * Migration: moves the rows of the former `trades` and `quotes` tables (schema 1-3) into segments and puts the
     * views in their place, in the migration's transaction.
     */
    static async migrateTables(db: DatabaseConnection): Promise<void> {
        const staging = await db.connect();
        try {
            const store = new TickStore(db, staging);
            await db.run('DROP VIEW IF EXISTS ticks');
            for (const kind of ['trades', 'quotes'] as const) {
                await staging.run(`CREATE OR REPLACE TEMP TABLE ${stagingTable(kind)} AS SELECT * FROM ${kind} ORDER BY instrument_id, time_us, rowid`);
                await db.run(`DROP TABLE ${kind}`);
                await store.writeAllStaged(kind, null);
                await store.dropStaging(kind);
            }
            await store.refreshViews();
            await db.run(TICKS_VIEW);
        } finally {
            staging.closeSync();
        }
    }
}

/**
 * Migration to schema 5: imported bars move from the `bars` table into segments; the table, now only the bar cache,
 * becomes `bar_cache`, and `bars` a view over both.
 */
export async function migrateImportedBars(db: DatabaseConnection): Promise<void> {
    const staging = await db.connect();
    try {
        const store = new TickStore(db, staging);
        // The staging connection sees committed tables only: copy before the rename.
        await staging.run(`CREATE OR REPLACE TEMP TABLE ${stagingTable('bars')} AS SELECT * FROM bars WHERE origin = 'import'
            ORDER BY instrument_id, time_us, rowid`);
        await db.run('ALTER TABLE bars RENAME TO bar_cache');
        await store.writeAllStaged('bars', null);
        await store.dropStaging('bars');
        await db.run(`DELETE FROM bar_cache WHERE origin = 'import'`);
        await store.refreshViews();
    } finally {
        staging.closeSync();
    }
}

/** Both kinds as one relation (kind 1 = trade, 2 = quote), for queries that want all ticks. */
export const TICKS_VIEW = `CREATE OR REPLACE VIEW ticks AS
    SELECT instrument_id, 1::UTINYINT AS kind, time_us, price_ticks, size,
        NULL::BIGINT AS bid_ticks, NULL::BIGINT AS ask_ticks, NULL::BIGINT AS bid_size, NULL::BIGINT AS ask_size, flags
    FROM trades
    UNION ALL
    SELECT instrument_id, 2::UTINYINT, time_us, NULL, NULL, bid_ticks, ask_ticks, bid_size, ask_size, flags
    FROM quotes`;
