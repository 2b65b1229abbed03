// The public node entry of @backtestr/data-import (`@backtestr/data-import/lib/node`): what the CLI,
// the other extensions, their specs and benches use. Everything else in `lib/node` is internal.
export { BacktestDataImpl } from './backtest-data-impl';
export { DATA_COMMANDS, DataCommandOptions, IMPORT_USAGE, runDataCommand } from './data-cli';
export { DataQuality } from './data-quality';
export { RunStoreImpl } from './run-store-impl';
export { defaultDataDir, SeedResult, seedSampleWorkspace } from './sample-workspace';
export { TickRepository } from './tick-repository';
export { defaultWorkspaceRoot, WorkspaceDatabase, workspaceDatabasePath } from './workspace-database';
export { WorkspaceDatabaseProvider } from './workspace-database-provider';
export {
    findWorkspaceOwner, forwardToWorkspaceOwner, openWorkspaceDatabase, WorkspaceCommandHandler, workspaceOwnerFilePath
} from './workspace-owner';
