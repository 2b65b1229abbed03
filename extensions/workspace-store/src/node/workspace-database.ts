// *****************************************************************************
// The workspace database: one DuckDB file per workspace (`<root>/.backtestr/workspace.duckdb`),
// its schema brought up to date by migrations on open. Usable without Theia.
// *****************************************************************************

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { DatabaseConnection, Row } from './database-connection';
import { MIGRATIONS, SCHEMA_VERSION } from './schema-migrations';
import { TickStore } from './tick-store';

/** `<workspace root>/.backtestr/workspace.duckdb`. */
export function workspaceDatabasePath(workspaceRoot: string): string {
    return path.join(workspaceRoot, '.backtestr', 'workspace.duckdb');
}

/** The workspace root from `BACKTESTR_WORKSPACE`, else the current directory. */
export function defaultWorkspaceRoot(): string {
    return process.env.BACKTESTR_WORKSPACE || process.cwd();
}

/**
 * Where a database's tick segments live (see TickStore): `<folder>/<name>.ticks` beside the file, as `ref` relative to
 * the database's folder (DuckDB's file_search_path), so the workspace can move. An in-memory database gets a
 * temporary folder, named by its absolute path.
 */
export function tickStoreLocation(dbPath: string): { dir: string; ref: string; searchPath: string } {
    if (dbPath === ':memory:') {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-ticks-'));
        return { dir, ref: dir, searchPath: dir };
    }
    const folder = path.dirname(path.resolve(dbPath));
    const ref = path.basename(dbPath).replace(/\.duckdb$/, '') + '.ticks';
    return { dir: path.join(folder, ref), ref, searchPath: folder };
}

/** DuckDB settings every instance on a workspace database needs: relative segment paths resolve beside the file. */
export function workspaceInstanceOptions(dbPath: string, location = tickStoreLocation(dbPath)): Record<string, string> {
    return { file_search_path: location.searchPath };
}

export class WorkspaceDatabase implements DatabaseConnection {
    protected txDepth = 0;
    protected closed = false;
    protected settleHooks: ((committed: boolean) => void)[] = [];
    readonly tickStoreDir: string;
    readonly tickStoreRef: string;

    protected constructor(
        readonly path: string,
        readonly instance: DuckDBInstance,
        /** The connection every statement of this object runs on; transactions are per connection. */
        readonly connection: DuckDBConnection,
        location = tickStoreLocation(path)
    ) {
        this.tickStoreDir = location.dir;
        this.tickStoreRef = location.ref;
    }

    /** Opens (creating if needed) the database file and applies missing migrations. `:memory:` works too. */
    static async open(dbPath: string): Promise<WorkspaceDatabase> {
        if (dbPath !== ':memory:') {
            fs.mkdirSync(path.dirname(dbPath), { recursive: true });
        }
        const location = tickStoreLocation(dbPath);
        const instance = await DuckDBInstance.create(dbPath, workspaceInstanceOptions(dbPath, location));
        const connection = await instance.connect();
        const db = new WorkspaceDatabase(dbPath, instance, connection, location);
        await db.migrate();
        await db.openTickStore();
        return db;
    }

    /** Points the tick views at this file's segment folder (the workspace may have moved) and sweeps what a crash left. */
    protected async openTickStore(): Promise<void> {
        const store = new TickStore(this);
        const views = await this.all(`SELECT sql FROM duckdb_views() WHERE view_name IN ('trades', 'quotes') AND NOT internal`);
        const ref = `'${this.tickStoreRef.replace(/'/g, "''")}/`;
        if (views.some(v => String(v.sql).includes('read_parquet') && !String(v.sql).includes(ref))) {
            await this.transaction(() => store.refreshViews());
        }
        await store.sweep();
    }

    /** A second connection to the same database, e.g. for reads while an import runs. */
    async connect(): Promise<DuckDBConnection> {
        return this.instance.connect();
    }

    async schemaVersion(): Promise<number> {
        const rows = await this.all('SELECT max(version) AS v FROM schema_version');
        return Number(rows[0]?.v ?? 0);
    }

    protected async migrate(): Promise<void> {
        await this.run(`CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at BIGINT NOT NULL)`);
        const current = await this.schemaVersion();
        if (current > SCHEMA_VERSION) {
            throw new Error(`${this.path} has schema version ${current}; this BackTestr knows up to ${SCHEMA_VERSION}. Update BackTestr.`);
        }
        for (const migration of MIGRATIONS) {
            if (migration.version <= current) {
                continue;
            }
            await this.transaction(async () => {
                for (const sql of migration.sql) {
                    await this.run(sql);
                }
                await migration.apply?.(this);
                await this.run('INSERT INTO schema_version VALUES ($1, $2, $3)',
                    [migration.version, migration.description, BigInt(Date.now() * 1000)]);
            });
        }
    }

    async run(sql: string, params?: DuckDBValue[]): Promise<void> {
        await this.connection.run(sql, params);
    }

    /** Small metadata queries only; tick data is read in columns by `TickRepository`. */
    async all(sql: string, params?: DuckDBValue[]): Promise<Row[]> {
        const reader = await this.connection.runAndReadAll(sql, params);
        return reader.getRowObjectsJS() as Row[];
    }

    async scalar(sql: string, params?: DuckDBValue[]): Promise<unknown> {
        const reader = await this.connection.runAndReadAll(sql, params);
        const rows = reader.getRowsJS();
        return rows[0]?.[0];
    }

    get inTransaction(): boolean {
        return this.txDepth > 0;
    }

    /** Runs `fn` in one transaction: all of it is committed, or none of it (nested calls join the outer one). */
    async transaction<T>(fn: () => Promise<T>): Promise<T> {
        if (this.txDepth > 0) {
            this.txDepth++;
            try {
                return await fn();
            } finally {
                this.txDepth--;
            }
        }
        await this.run('BEGIN TRANSACTION');
        this.txDepth = 1;
        try {
            const result = await fn();
            await this.commit();
            return result;
        } catch (error) {
            await this.rollback();
            throw error;
        } finally {
            this.txDepth = 0;
        }
    }

    /** Commits the open transaction (begun with `BEGIN TRANSACTION`), then runs what waited for it to settle. */
    async commit(): Promise<void> {
        try {
            await this.run('COMMIT');
        } catch (error) {
            this.settle(false);
            throw error;
        }
        this.settle(true);
    }

    /** Rolls the open transaction back (if DuckDB has not already), then runs what waited for it to settle. */
    async rollback(): Promise<void> {
        try {
            await this.run('ROLLBACK');
        } catch {
            // The transaction may already be aborted by DuckDB; nothing was committed either way.
        }
        this.settle(false);
    }

    /**
     * Runs `hook` once the current transaction commits (true) or rolls back (false): files the transaction made or
     * replaced are deleted then. Outside a transaction the statement has already committed.
     */
    afterTransaction(hook: (committed: boolean) => void): void {
        this.settleHooks.push(hook);
    }

    protected settle(committed: boolean): void {
        const hooks = this.settleHooks;
        this.settleHooks = [];
        for (const hook of hooks) {
            try {
                hook(committed);
            } catch {
                // A file that cannot be deleted now is swept at the next open.
            }
        }
    }

    async checkpoint(): Promise<void> {
        await this.run('CHECKPOINT');
    }

    /** Bytes of the database file (and its write-ahead log), without the tick segments (see TickStore). */
    fileSize(): number {
        if (this.path === ':memory:') {
            return 0;
        }
        let size = 0;
        for (const file of [this.path, this.path + '.wal']) {
            try {
                size += fs.statSync(file).size;
            } catch {
                // absent
            }
        }
        return size;
    }

    close(): void {
        if (this.closed) {
            return;
        }
        this.closed = true;
        this.connection.closeSync();
        this.instance.closeSync();
        if (this.path === ':memory:') {
            fs.rmSync(this.tickStoreDir, { recursive: true, force: true });
        }
    }
}
