// The public node entry of @backtestr/workspace-store (`@backtestr/workspace-store/lib/node`): what the
// importers, the CLI, the other extensions, their specs and benches use of the workspace's storage.
// Everything else in `lib/node` is internal.
export { BacktestDataImpl } from './backtest-data-impl';
export { BAR_TIMEFRAMES, BarCache } from './bar-cache';
export { ColumnarAppender, ColumnType, ColumnValues } from './columnar-appender';
export { DatabaseConnection, Row } from './database-connection';
export { DatasetChanges, DatasetsChange } from './dataset-changes';
export { datasetScore, UNTIMED_QUARANTINE_SQL } from './quality-score';
export { currentRunOwner, parseRunOwner, processRuns, RunOwner, runOwnerEnded } from './run-owner';
export { RunStoreImpl } from './run-store-impl';
export { MIGRATIONS, SCHEMA_VERSION, TICK_KIND_QUOTE, TICK_KIND_TRADE, TickFlags } from './schema-migrations';
export { floorDiv, num, sqlString } from './sql-values';
export { instrumentFromRow, TickRepository, TickStreamBatch } from './tick-repository';
export { stagingTable, TickKind, TickSegment, TickStore } from './tick-store';
export { defaultWorkspaceRoot, WorkspaceDatabase, workspaceDatabasePath, workspaceInstanceOptions } from './workspace-database';
export { WorkspaceDatabaseProvider } from './workspace-database-provider';
export {
    findWorkspaceOwner, forwardToWorkspaceOwner, openWorkspaceDatabase, WorkspaceCommandHandler, workspaceOwnerFilePath
} from './workspace-owner';
/** Test support of the store's specs and of the packages' specs that build on it (temporary databases). */
export { tempDatabase, tempDir, testInstrument } from './test-support/test-database';
