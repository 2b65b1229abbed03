// *****************************************************************************
// RunStore on the workspace DuckDB: run metadata as rows, run output as columns appended in
// bulk (one transaction per finished run) and read back into typed arrays. Plain class, usable
// without Theia (the CLI passes an open database; the backend a lazy one). A run records the
// process that runs it (run-owner.ts); the first use of a database turns the `running` runs whose
// process has ended into `interrupted` ones, keeping what they stored (a read-only database only
// reports them so).
// *****************************************************************************

import { Emitter, Event } from '@theia/core/lib/common/event';
import {
    RunConfig, RunEquityColumns, RunEventColumns, RunHeadline, RunLogColumns, RunLookAhead, RunOrderColumns, RunOutput, RunRecord, RunsChange, RunSeriesColumns,
    RunStatus, RunStore, RunTradeColumns
} from '../common/run-store-protocol';
import { UnixMicros } from '../common/workspace-store-protocol';
import { ColumnarAppender, ColumnType, ColumnValues } from './columnar-appender';
import { currentRunOwner, parseRunOwner, RunOwner, runOwnerEnded } from './run-owner';
import { TickRepository } from './tick-repository';
import { Row } from './database-connection';
import { WorkspaceDatabase } from './workspace-database';

type Numeric = 'BIGINT' | 'INTEGER' | 'DOUBLE';

const ORDER_NUMBERS = ['id', 'time', 'side', 'qty', 'limit', 'stop'] as const;
const EVENT_NUMBERS = ['time', 'order', 'seq', 'price', 'qty', 'commission', 'reference', 'position', 'realised'] as const;
const TRADE_NUMBERS = ['side', 'qty', 'entryTime', 'exitTime', 'entryPrice', 'exitPrice', 'pnl', 'commission', 'slippage', 'mae', 'mfe', 'barsHeld'] as const;

function sequence(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
        out[i] = i;
    }
    return out;
}

function optionalNumber(value: unknown): number | undefined {
    return value === null || value === undefined ? undefined : Number(value);
}

function parseJson<T>(value: unknown): T | undefined {
    return value === null || value === undefined ? undefined : JSON.parse(String(value)) as T;
}

/** Why a run is `interrupted`. */
export function interruptedMessage(owner: RunOwner): string {
    return `Interrupted: the process that ran it (pid ${owner.pid} on ${owner.host}) ended before the run finished ` +
        '(killed, crashed or the machine stopped); what was stored is kept.';
}

/** The sweep of each open database (once per database object, whichever store uses it first). */
const sweeps = new WeakMap<WorkspaceDatabase, Promise<unknown>>();

export class RunStoreImpl implements RunStore {
    protected readonly database: () => Promise<WorkspaceDatabase>;
    protected readonly onDidChangeRunsEmitter = new Emitter<RunsChange>();
    readonly onDidChangeRuns: Event<RunsChange> = this.onDidChangeRunsEmitter.event;

    constructor(database: WorkspaceDatabase | (() => Promise<WorkspaceDatabase>)) {
        const open = typeof database === 'function' ? database : async (): Promise<WorkspaceDatabase> => database;
        this.database = async () => {
            const db = await open();
            let sweep = sweeps.get(db);
            if (!sweep) {
                sweep = RunStoreImpl.markInterruptedRuns(db).then(ids => ids.forEach(id => this.changed('interrupted', id)));
                sweeps.set(db, sweep);
            }
            await sweep;
            return db;
        };
    }

    /**
     * Marks `interrupted` the runs still `running` whose process has ended (killed, crashed, the machine stopped),
     * keeping everything they stored; runs of live processes, and of other hosts' processes, stay as they are.
     * Returns the ids marked. A read-only database is left as it is (its runs read as interrupted all the same).
     */
    static async markInterruptedRuns(db: WorkspaceDatabase): Promise<string[]> {
        const ended = (await db.all(`SELECT id, owner FROM runs WHERE status = 'running'`))
            .map(r => ({ id: String(r.id), owner: parseRunOwner(r.owner) }))
            .filter((r): r is { id: string; owner: RunOwner } => r.owner !== undefined && runOwnerEnded(r.owner));
        if (ended.length === 0 || await RunStoreImpl.readOnly(db)) {
            return [];
        }
        await db.transaction(async () => {
            for (const { id, owner } of ended) {
                await db.run(`UPDATE runs SET status = 'interrupted', message = $2 WHERE id = $1 AND status = 'running'`, [id, interruptedMessage(owner)]);
            }
        });
        return ended.map(r => r.id);
    }

    protected static async readOnly(db: WorkspaceDatabase): Promise<boolean> {
        const value = await db.scalar('SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()');
        return value === true;
    }

    protected changed(kind: RunsChange['kind'], id: string): void {
        this.onDidChangeRunsEmitter.fire({ kind, id });
    }

    /** Stores the run (status `running` as a rule), owned by this process until it is finished. */
    async createRun(run: RunRecord): Promise<void> {
        const db = await this.database();
        await db.run(`INSERT INTO runs (id, created_at, finished_at, status, message, strategy_id, strategy_label, source_hash, engine_version,
                instrument_id, config, ticks, elapsed_ms, first_us, last_us, headline, owner)
            VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, NULL, NULL, NULL, $11)`, [
            run.id, BigInt(run.createdAt), run.status, run.message ?? null, run.strategyId, run.strategyLabel ?? null, run.sourceHash,
            run.engineVersion, run.instrumentId, JSON.stringify(run.config), JSON.stringify(currentRunOwner())
        ]);
        this.changed('created', run.id);
    }

    async finishRun(id: string, update: Pick<RunRecord, 'status' | 'message' | 'ticks' | 'elapsedMs' | 'firstTime' | 'lastTime' | 'headline'>,
        output?: RunOutput): Promise<void> {
        const db = await this.database();
        await db.transaction(async () => {
            const found = await db.scalar('SELECT count(*) FROM runs WHERE id = $1', [id]);
            if (Number(found) !== 1) {
                throw new Error(`Run '${id}' is not in the workspace database; it cannot be finished.`);
            }
            await db.run(`UPDATE runs SET finished_at = $2, status = $3, message = $4, ticks = $5, elapsed_ms = $6, first_us = $7, last_us = $8,
                headline = $9 WHERE id = $1`, [
                id, BigInt(Date.now() * 1000), update.status, update.message ?? null, update.ticks ?? null, update.elapsedMs ?? null,
                update.firstTime === undefined ? null : BigInt(update.firstTime), update.lastTime === undefined ? null : BigInt(update.lastTime),
                update.headline ? JSON.stringify(update.headline) : null
            ]);
            if (output) {
                await this.writeOutput(db, id, output);
            }
        });
        this.changed('finished', id);
    }

    async setLookAhead(id: string, lookAhead: RunLookAhead): Promise<void> {
        const db = await this.database();
        if (Number(await db.scalar('SELECT count(*) FROM runs WHERE id = $1', [id])) !== 1) {
            throw new Error(`Run '${id}' is not in the workspace database; its look-ahead verdict cannot be stored.`);
        }
        await db.run('UPDATE runs SET look_ahead = $2 WHERE id = $1', [id, JSON.stringify(lookAhead)]);
        this.changed('finished', id);
    }

    protected async writeOutput(db: WorkspaceDatabase, id: string, output: RunOutput): Promise<void> {
        const connection = db.connection;
        const append = async (table: string, types: ColumnType[], columns: ColumnValues[], rows: number): Promise<void> => {
            if (rows === 0) {
                return;
            }
            const appender = await ColumnarAppender.create(connection, table, types);
            appender.append(columns, 0, rows);
            appender.close();
        };
        const o = output.orders;
        await append('run_orders', ['VARCHAR', 'INTEGER', 'BIGINT', 'BIGINT', 'VARCHAR', 'INTEGER', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'VARCHAR', 'VARCHAR'],
            [id, sequence(o.id.length), o.id, o.time, o.type, Int32Array.from(o.side), o.qty, o.limit, o.stop, o.tif, o.tag], o.id.length);
        const e = output.events;
        await append('run_events', ['VARCHAR', 'INTEGER', 'BIGINT', 'BIGINT', 'VARCHAR', 'VARCHAR', 'BIGINT', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE'],
            [id, sequence(e.time.length), e.time, e.order, e.kind, e.reason, e.seq, e.price, e.qty, e.commission, e.reference, e.position, e.realised], e.time.length);
        const t = output.trades;
        await append('run_trades', ['VARCHAR', 'INTEGER', 'INTEGER', 'DOUBLE', 'BIGINT', 'BIGINT', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE'],
            [id, sequence(t.side.length), Int32Array.from(t.side), t.qty, t.entryTime, t.exitTime, t.entryPrice, t.exitPrice, t.pnl, t.commission, t.slippage,
                t.mae, t.mfe, t.barsHeld], t.side.length);
        const q = output.equity;
        await append('run_equity', ['VARCHAR', 'INTEGER', 'BIGINT', 'DOUBLE', 'DOUBLE', 'DOUBLE'],
            [id, sequence(q.time.length), q.time, q.equity, q.position, q.price ?? null], q.time.length);
        for (const [name, s] of Object.entries(output.series)) {
            await append('run_series', ['VARCHAR', 'VARCHAR', 'INTEGER', 'BIGINT', 'DOUBLE'], [id, name, sequence(s.time.length), s.time, s.value], s.time.length);
        }
        const l = output.logs;
        await append('run_logs', ['VARCHAR', 'INTEGER', 'BIGINT', 'VARCHAR'], [id, sequence(l.time.length), l.time, l.message], l.time.length);
        const metrics = Object.entries(output.metrics).filter(([, v]) => Number.isFinite(v));
        await append('run_metrics', ['VARCHAR', 'VARCHAR', 'DOUBLE'],
            [id, metrics.map(([k]) => k), Float64Array.from(metrics.map(([, v]) => v))], metrics.length);
    }

    async listRuns(): Promise<RunRecord[]> {
        const db = await this.database();
        return (await db.all('SELECT * FROM runs ORDER BY created_at DESC, id DESC')).map(r => this.toRecord(r));
    }

    async getRun(id: string): Promise<RunRecord | undefined> {
        const db = await this.database();
        const rows = await db.all('SELECT * FROM runs WHERE id = $1', [id]);
        return rows.length ? this.toRecord(rows[0]) : undefined;
    }

    protected toRecord(r: Row): RunRecord {
        // A run whose process has ended since the sweep (or in a read-only database, which is not swept) reads as interrupted.
        const owner = r.status === 'running' ? parseRunOwner(r.owner) : undefined;
        const interrupted = owner !== undefined && runOwnerEnded(owner);
        return {
            id: String(r.id), createdAt: Number(r.created_at), finishedAt: optionalNumber(r.finished_at),
            status: interrupted ? 'interrupted' : String(r.status) as RunStatus,
            message: interrupted ? interruptedMessage(owner) : r.message === null ? undefined : String(r.message), strategyId: String(r.strategy_id),
            strategyLabel: r.strategy_label === null ? undefined : String(r.strategy_label), sourceHash: String(r.source_hash),
            engineVersion: String(r.engine_version), instrumentId: Number(r.instrument_id), config: parseJson<RunConfig>(r.config)!,
            ticks: optionalNumber(r.ticks), elapsedMs: optionalNumber(r.elapsed_ms), firstTime: optionalNumber(r.first_us),
            lastTime: optionalNumber(r.last_us), headline: parseJson<RunHeadline>(r.headline),
            lookAhead: parseJson<RunLookAhead>(r.look_ahead)
        };
    }

    /** Numeric columns of one run's table, in `seq` order, as Float64Arrays named by `names`. */
    protected async numbers<K extends string>(table: string, id: string, expressions: readonly string[], names: readonly K[], where = '', orderBy = 'seq'): Promise<Record<K, Float64Array>> {
        const db = await this.database();
        await this.requireRun(db, id);
        const sql = `SELECT ${expressions.map(e => `(${e})::DOUBLE`).join(', ')} FROM ${table} WHERE run_id = '${id.replace(/'/g, "''")}' ${where} ORDER BY ${orderBy}`;
        const { columns } = await new TickRepository(db).readColumns(sql, expressions.map((): Numeric => 'DOUBLE'));
        const out = {} as Record<K, Float64Array>;
        names.forEach((name, i) => out[name] = columns[i] as Float64Array);
        return out;
    }

    protected async strings(table: string, id: string, columns: readonly string[], where = ''): Promise<string[][]> {
        const db = await this.database();
        const rows = await db.all(`SELECT ${columns.join(', ')} FROM ${table} WHERE run_id = $1 ${where} ORDER BY seq`, [id]);
        return columns.map(c => rows.map(r => String(r[c])));
    }

    protected async requireRun(db: WorkspaceDatabase, id: string): Promise<void> {
        if (Number(await db.scalar('SELECT count(*) FROM runs WHERE id = $1', [id])) !== 1) {
            throw new Error(`Run '${id}' is not in the workspace database (it may have been deleted); see the Runs view or \`backtestr runs\`.`);
        }
    }

    async readOrders(id: string): Promise<RunOrderColumns> {
        const n = await this.numbers('run_orders', id, ['order_id', 'time_us', 'side', 'qty', 'coalesce(limit_price, \'NaN\'::DOUBLE)',
            'coalesce(stop_price, \'NaN\'::DOUBLE)'], ORDER_NUMBERS);
        const [type, tif, tag] = await this.strings('run_orders', id, ['type', 'tif', 'tag']);
        return { ...n, type, tif, tag };
    }

    async readEvents(id: string, from?: UnixMicros, to?: UnixMicros): Promise<RunEventColumns> {
        const where = `${from !== undefined ? `AND time_us >= ${Math.floor(from)}` : ''} ${to !== undefined ? `AND time_us < ${Math.floor(to)}` : ''}`;
        const n = await this.numbers('run_events', id, ['time_us', 'order_id', 'tick_seq', 'price', 'qty', 'commission', 'reference', 'position', 'realised'],
            EVENT_NUMBERS, where);
        const [kind, reason] = await this.strings('run_events', id, ['kind', 'reason'], where);
        return { ...n, kind, reason };
    }

    async readTrades(id: string): Promise<RunTradeColumns> {
        return this.numbers('run_trades', id, ['side', 'qty', 'entry_us', 'exit_us', 'entry_price', 'exit_price', 'pnl', 'commission', 'slippage',
            'mae', 'mfe', 'bars_held'], TRADE_NUMBERS, '', 'trade_no');
    }

    protected async numbersBySeq(table: string, id: string, expressions: readonly string[]): Promise<Float64Array[]> {
        const names = expressions.map((_, i) => `c${i}`);
        const out = await this.numbers(table, id, expressions, names);
        return names.map(n => out[n]);
    }

    async readEquity(id: string): Promise<RunEquityColumns> {
        const [time, equity, position, price] = await this.numbersBySeq('run_equity', id, ['time_us', 'equity', 'position', 'coalesce(price, \'NaN\'::DOUBLE)']);
        // Runs stored without prices (schema 2) read as no benchmark.
        return price.length > 0 && price.every(Number.isNaN) ? { time, equity, position } : { time, equity, position, price };
    }

    async readSeries(id: string): Promise<Record<string, RunSeriesColumns>> {
        const db = await this.database();
        await this.requireRun(db, id);
        const names = (await db.all('SELECT DISTINCT name FROM run_series WHERE run_id = $1 ORDER BY name', [id])).map(r => String(r.name));
        const out: Record<string, RunSeriesColumns> = {};
        for (const name of names) {
            const sql = `SELECT time_us::DOUBLE, coalesce(value, 'NaN'::DOUBLE) FROM run_series WHERE run_id = '${id.replace(/'/g, "''")}'
                AND name = '${name.replace(/'/g, "''")}' ORDER BY seq`;
            const { columns } = await new TickRepository(db).readColumns(sql, ['DOUBLE', 'DOUBLE']);
            out[name] = { time: columns[0] as Float64Array, value: columns[1] as Float64Array };
        }
        return out;
    }

    async readLogs(id: string): Promise<RunLogColumns> {
        const [time] = await this.numbersBySeq('run_logs', id, ['time_us']);
        const [message] = await this.strings('run_logs', id, ['message']);
        return { time, message };
    }

    async readMetrics(id: string): Promise<Record<string, number>> {
        const db = await this.database();
        await this.requireRun(db, id);
        const rows = await db.all('SELECT metric, value FROM run_metrics WHERE run_id = $1 ORDER BY metric', [id]);
        return Object.fromEntries(rows.map(r => [String(r.metric), Number(r.value)]));
    }

    async deleteRun(id: string): Promise<void> {
        const db = await this.database();
        await db.transaction(async () => {
            await this.requireRun(db, id);
            for (const table of ['run_orders', 'run_events', 'run_trades', 'run_equity', 'run_series', 'run_logs', 'run_metrics']) {
                await db.run(`DELETE FROM ${table} WHERE run_id = $1`, [id]);
            }
            await db.run('DELETE FROM runs WHERE id = $1', [id]);
        });
        this.changed('deleted', id);
    }
}
