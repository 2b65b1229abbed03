// *****************************************************************************
// The workspace database schema, as an ordered list of migrations. A database records the
// highest version applied in `schema_version`; opening it applies the missing ones in order.
// Never edit a released migration: append a new one.
// *****************************************************************************

import type { DatabaseConnection } from './database-connection';
import { migrateImportedBars, TICK_SEGMENTS_DDL, TickStore } from './tick-store';

export interface Migration {
    readonly version: number;
    readonly description: string;
    readonly sql: readonly string[];
    /** Work after the statements that SQL alone cannot do (in the same transaction). */
    readonly apply?: (db: DatabaseConnection) => Promise<void>;
}

/** Tick kinds as the `ticks` view shows them in `kind`. */
export const TICK_KIND_TRADE = 1;
export const TICK_KIND_QUOTE = 2;

/** Bits of `ticks.flags`: flags in bits 0-7, the exchange code (one ASCII character) in bits 8-15 (a small range compresses well). */
export const TickFlags = {
    /** The vendor marked the tick suspicious (Lean `suspicious` column). */
    SUSPICIOUS: 1 << 0,
    /** Bid equals ask. */
    LOCKED: 1 << 1,
    /** Exact repeat of the previous tick (kept: trade tapes hold real repeats). */
    REPEAT: 1 << 2,
    /** Came from a FIX snapshot (35=W) rather than an incremental refresh. */
    SNAPSHOT: 1 << 3,
    /** Bid above ask, kept as the vendor sent it (import policy `crossedQuotes: 'keep'`). */
    CROSSED: 1 << 4,
    /** One-sided quote: the row carried only the ask; the bid (and its size) is the file's last bid, carried forward. */
    BID_CARRIED: 1 << 5,
    /** One-sided quote: the row carried only the bid; the ask (and its size) is carried forward. */
    ASK_CARRIED: 1 << 6,
    EXCHANGE_SHIFT: 8
} as const;

export const MIGRATIONS: readonly Migration[] = [
    {
        version: 1,
        description: 'instruments, ticks, bars, imports, quarantine, quality, runs',
        sql: [
            `CREATE SEQUENCE instrument_id_seq START 1`,
            `CREATE TABLE instruments (
                id INTEGER PRIMARY KEY DEFAULT nextval('instrument_id_seq'),
                symbol VARCHAR NOT NULL,
                venue VARCHAR NOT NULL,
                asset_class VARCHAR NOT NULL,
                description VARCHAR,
                tick_size DOUBLE NOT NULL CHECK (tick_size > 0),
                lot_size DOUBLE NOT NULL DEFAULT 1,
                multiplier DOUBLE NOT NULL DEFAULT 1,
                currency VARCHAR NOT NULL DEFAULT 'USD',
                time_zone VARCHAR NOT NULL DEFAULT 'UTC',
                session VARCHAR NOT NULL DEFAULT '24h',
                security_id VARCHAR,
                attributes JSON,
                UNIQUE (symbol, venue)
            )`,
            // Ticks, one table per kind, each physically ordered by (instrument_id, time_us) within an
            // instrument. Prices are integer multiples of the instrument's tick_size; sizes of its lot_size.
            // Two narrow tables rather than one wide one: appends and reads cost per column (measured 2x).
            `CREATE TABLE trades (
                instrument_id INTEGER NOT NULL,
                time_us BIGINT NOT NULL,
                price_ticks BIGINT NOT NULL,
                size BIGINT,
                flags INTEGER NOT NULL
            )`,
            `CREATE TABLE quotes (
                instrument_id INTEGER NOT NULL,
                time_us BIGINT NOT NULL,
                bid_ticks BIGINT NOT NULL,
                ask_ticks BIGINT NOT NULL,
                bid_size BIGINT,
                ask_size BIGINT,
                flags INTEGER NOT NULL
            )`,
            // Both kinds as one relation (kind 1 = trade, 2 = quote), for queries that want all ticks.
            `CREATE VIEW ticks AS
                SELECT instrument_id, 1::UTINYINT AS kind, time_us, price_ticks, size,
                    NULL::BIGINT AS bid_ticks, NULL::BIGINT AS ask_ticks, NULL::BIGINT AS bid_size, NULL::BIGINT AS ask_size, flags
                FROM trades
                UNION ALL
                SELECT instrument_id, 2::UTINYINT, time_us, NULL, NULL, bid_ticks, ask_ticks, bid_size, ask_size, flags
                FROM quotes`,
            // Imported bars (origin 'import') and the bar cache computed from ticks (origin 'cache').
            `CREATE TABLE bars (
                instrument_id INTEGER NOT NULL,
                timeframe VARCHAR NOT NULL,
                origin VARCHAR NOT NULL,
                side VARCHAR NOT NULL,
                time_us BIGINT NOT NULL,
                open_ticks BIGINT NOT NULL,
                high_ticks BIGINT NOT NULL,
                low_ticks BIGINT NOT NULL,
                close_ticks BIGINT NOT NULL,
                volume BIGINT NOT NULL,
                tick_count BIGINT NOT NULL,
                import_id INTEGER
            )`,
            `CREATE SEQUENCE import_id_seq START 1`,
            `CREATE TABLE imports (
                id INTEGER PRIMARY KEY,
                started_at BIGINT NOT NULL,
                finished_at BIGINT,
                format VARCHAR NOT NULL,
                preset VARCHAR,
                paths JSON NOT NULL,
                options JSON,
                status VARCHAR NOT NULL,
                rows BIGINT NOT NULL DEFAULT 0,
                quarantined BIGINT NOT NULL DEFAULT 0,
                message VARCHAR
            )`,
            // One row per imported file and dataset: what it covered, so a re-import is recognised.
            `CREATE TABLE import_files (
                import_id INTEGER NOT NULL,
                instrument_id INTEGER NOT NULL,
                kind VARCHAR NOT NULL,
                path VARCHAR NOT NULL,
                content_hash VARCHAR NOT NULL,
                bytes BIGINT NOT NULL,
                rows BIGINT NOT NULL,
                quarantined BIGINT NOT NULL,
                first_us BIGINT,
                last_us BIGINT
            )`,
            `CREATE TABLE quarantine (
                import_id INTEGER NOT NULL,
                instrument_id BIGINT,
                kind VARCHAR,
                file VARCHAR NOT NULL,
                line BIGINT NOT NULL,
                byte_offset BIGINT NOT NULL,
                time_us BIGINT,
                raw VARCHAR NOT NULL,
                reason VARCHAR NOT NULL
            )`,
            `CREATE TABLE quality_days (
                instrument_id INTEGER NOT NULL,
                kind VARCHAR NOT NULL,
                day DATE NOT NULL,
                tick_count BIGINT NOT NULL,
                gaps INTEGER NOT NULL,
                longest_gap_s DOUBLE NOT NULL,
                duplicates BIGINT NOT NULL,
                out_of_order BIGINT NOT NULL,
                crossed BIGINT NOT NULL,
                spikes BIGINT NOT NULL,
                outside_session BIGINT NOT NULL,
                quarantined BIGINT NOT NULL,
                score DOUBLE NOT NULL,
                computed_at BIGINT NOT NULL
            )`,
            // Backtest runs and their results; filled by the engine and analysis extensions.
            `CREATE TABLE runs (
                id VARCHAR PRIMARY KEY,
                created_at BIGINT NOT NULL,
                finished_at BIGINT,
                strategy VARCHAR NOT NULL,
                params JSON,
                instrument_ids INTEGER[],
                from_us BIGINT,
                to_us BIGINT,
                seed BIGINT,
                status VARCHAR NOT NULL,
                config JSON,
                message VARCHAR
            )`,
            `CREATE TABLE run_results (
                run_id VARCHAR NOT NULL,
                metric VARCHAR NOT NULL,
                value DOUBLE,
                value_json JSON
            )`,
            `CREATE TABLE run_trades (
                run_id VARCHAR NOT NULL,
                trade_no INTEGER NOT NULL,
                instrument_id INTEGER NOT NULL,
                side VARCHAR NOT NULL,
                quantity DOUBLE NOT NULL,
                entry_us BIGINT NOT NULL,
                entry_price DOUBLE NOT NULL,
                exit_us BIGINT,
                exit_price DOUBLE,
                pnl DOUBLE,
                mae DOUBLE,
                mfe DOUBLE,
                attributes JSON
            )`,
            `CREATE TABLE run_equity (
                run_id VARCHAR NOT NULL,
                time_us BIGINT NOT NULL,
                equity DOUBLE NOT NULL,
                drawdown DOUBLE
            )`,
            `CREATE TABLE run_journal (
                run_id VARCHAR NOT NULL,
                seq BIGINT NOT NULL,
                time_us BIGINT NOT NULL,
                event VARCHAR NOT NULL,
                detail JSON
            )`
        ]
    },
    {
        version: 2,
        description: 'runs: orders, order events with reasons, trades with costs, equity with position, series, logs, metrics',
        // Version 1 declared run tables that nothing wrote; they are replaced by the RunStore's layout.
        sql: [
            'DROP TABLE run_results',
            'DROP TABLE run_trades',
            'DROP TABLE run_equity',
            'DROP TABLE run_journal',
            'DROP TABLE runs',
            `CREATE TABLE runs (
                id VARCHAR PRIMARY KEY,
                created_at BIGINT NOT NULL,
                finished_at BIGINT,
                status VARCHAR NOT NULL,
                message VARCHAR,
                strategy_id VARCHAR NOT NULL,
                strategy_label VARCHAR,
                source_hash VARCHAR NOT NULL,
                engine_version VARCHAR NOT NULL,
                instrument_id INTEGER NOT NULL,
                config JSON NOT NULL,
                ticks BIGINT,
                elapsed_ms DOUBLE,
                first_us BIGINT,
                last_us BIGINT,
                headline JSON
            )`,
            `CREATE TABLE run_metrics (run_id VARCHAR NOT NULL, metric VARCHAR NOT NULL, value DOUBLE NOT NULL)`,
            `CREATE TABLE run_orders (
                run_id VARCHAR NOT NULL, seq INTEGER NOT NULL, order_id BIGINT NOT NULL, time_us BIGINT NOT NULL,
                type VARCHAR NOT NULL, side INTEGER NOT NULL, qty DOUBLE NOT NULL, limit_price DOUBLE, stop_price DOUBLE,
                tif VARCHAR NOT NULL, tag VARCHAR NOT NULL
            )`,
            `CREATE TABLE run_events (
                run_id VARCHAR NOT NULL, seq INTEGER NOT NULL, time_us BIGINT NOT NULL, order_id BIGINT NOT NULL,
                kind VARCHAR NOT NULL, reason VARCHAR NOT NULL, tick_seq BIGINT NOT NULL, price DOUBLE, qty DOUBLE,
                commission DOUBLE, reference DOUBLE, position DOUBLE, realised DOUBLE
            )`,
            `CREATE TABLE run_trades (
                run_id VARCHAR NOT NULL, trade_no INTEGER NOT NULL, side INTEGER NOT NULL, qty DOUBLE NOT NULL,
                entry_us BIGINT NOT NULL, exit_us BIGINT NOT NULL, entry_price DOUBLE NOT NULL, exit_price DOUBLE NOT NULL,
                pnl DOUBLE NOT NULL, commission DOUBLE NOT NULL, slippage DOUBLE NOT NULL, mae DOUBLE NOT NULL,
                mfe DOUBLE NOT NULL, bars_held DOUBLE NOT NULL
            )`,
            `CREATE TABLE run_equity (
                run_id VARCHAR NOT NULL, seq INTEGER NOT NULL, time_us BIGINT NOT NULL, equity DOUBLE NOT NULL, position DOUBLE NOT NULL
            )`,
            `CREATE TABLE run_series (
                run_id VARCHAR NOT NULL, name VARCHAR NOT NULL, seq INTEGER NOT NULL, time_us BIGINT NOT NULL, value DOUBLE
            )`,
            `CREATE TABLE run_logs (run_id VARCHAR NOT NULL, seq INTEGER NOT NULL, time_us BIGINT NOT NULL, message VARCHAR NOT NULL)`
        ]
    },
    {
        version: 3,
        description: 'run equity samples carry the instrument price (the buy-and-hold benchmark)',
        sql: ['ALTER TABLE run_equity ADD COLUMN price DOUBLE']
    },
    {
        version: 4,
        description: 'ticks in zstd Parquet segments beside the database (tick_segments), trades and quotes become views over them',
        sql: TICK_SEGMENTS_DDL,
        apply: db => TickStore.migrateTables(db)
    },
    {
        version: 5,
        description: 'imported bars in the tick store; the bars table, now only the bar cache, is bar_cache; bars is a view over both',
        sql: [],
        apply: migrateImportedBars
    },
    {
        version: 6,
        description: 'runs record the process that runs them (owner); runs left running by a process that has ended become interrupted',
        sql: [
            'ALTER TABLE runs ADD COLUMN owner VARCHAR',
            // Runs still `running` from before owners were recorded: no process of a BackTestr that writes them can still hold this file.
            `UPDATE runs SET status = 'interrupted', message = 'Interrupted: the process that ran it ended before the run finished ` +
            `(killed, crashed or the machine stopped); what was stored is kept.' WHERE status = 'running'`
        ]
    },
    {
        version: 7,
        description: 'runs keep the verdict of their look-ahead audit (look_ahead)',
        sql: ['ALTER TABLE runs ADD COLUMN look_ahead JSON']
    }
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
