// *****************************************************************************
// What the schema's migrations and the tick store need of the workspace database: statements,
// transactions, a second connection, and where the tick segments live. `WorkspaceDatabase`
// implements it and is the only file that imports both `schema-migrations` and `tick-store`:
// they take this interface and never import the database class, so the layering has no circle
// (database-connection <- tick-store <- schema-migrations <- workspace-database).
// *****************************************************************************

import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

/** A row of a small metadata query, by column name. */
export type Row = Record<string, unknown>;

export interface DatabaseConnection {
    /** The database file, or `:memory:`. */
    readonly path: string;
    /** The folder of this database's tick segments, and the same as DuckDB sees it (relative to file_search_path). */
    readonly tickStoreDir: string;
    readonly tickStoreRef: string;
    readonly inTransaction: boolean;
    run(sql: string, params?: DuckDBValue[]): Promise<void>;
    /** Small metadata queries only; tick data is read in columns. */
    all(sql: string, params?: DuckDBValue[]): Promise<Row[]>;
    scalar(sql: string, params?: DuckDBValue[]): Promise<unknown>;
    /** Runs `fn` in one transaction: all of it is committed, or none of it (nested calls join the outer one). */
    transaction<T>(fn: () => Promise<T>): Promise<T>;
    /** Runs `hook` once the current transaction commits (true) or rolls back (false). */
    afterTransaction(hook: (committed: boolean) => void): void;
    /** A second connection to the same database (staging tables, reads while a write runs). */
    connect(): Promise<DuckDBConnection>;
}
