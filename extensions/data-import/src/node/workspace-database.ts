// *****************************************************************************
// The workspace database: one DuckDB file per workspace (`<root>/.backtestr/workspace.duckdb`),
// its schema brought up to date by migrations on open. Usable without Theia.
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { MIGRATIONS, SCHEMA_VERSION } from './schema-migrations';

export type Row = Record<string, unknown>;

/** `<workspace root>/.backtestr/workspace.duckdb`. */
export function workspaceDatabasePath(workspaceRoot: string): string {
    return path.join(workspaceRoot, '.backtestr', 'workspace.duckdb');
}

/** The workspace root from `BACKTESTR_WORKSPACE`, else the current directory. */
export function defaultWorkspaceRoot(): string {
    return process.env.BACKTESTR_WORKSPACE || process.cwd();
}

export class WorkspaceDatabase {
    protected txDepth = 0;
    protected closed = false;

    protected constructor(
        readonly path: string,
        readonly instance: DuckDBInstance,
        /** The connection every statement of this object runs on; transactions are per connection. */
        readonly connection: DuckDBConnection
    ) { }

    /** Opens (creating if needed) the database file and applies missing migrations. `:memory:` works too. */
    static async open(dbPath: string): Promise<WorkspaceDatabase> {
        if (dbPath !== ':memory:') {
            fs.mkdirSync(path.dirname(dbPath), { recursive: true });
        }
        const instance = await DuckDBInstance.create(dbPath);
        const connection = await instance.connect();
        const db = new WorkspaceDatabase(dbPath, instance, connection);
        await db.migrate();
        return db;
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
            await this.run('COMMIT');
            return result;
        } catch (error) {
            try {
                await this.run('ROLLBACK');
            } catch {
                // The transaction may already be aborted by DuckDB; nothing was committed either way.
            }
            throw error;
        } finally {
            this.txDepth = 0;
        }
    }

    async checkpoint(): Promise<void> {
        await this.run('CHECKPOINT');
    }

    /** Bytes of the database file (and its write-ahead log). */
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
    }
}
