// The public node entry of @backtestr/data-import (`@backtestr/data-import/lib/node`): what the CLI,
// the other extensions, their specs and benches use. Everything else in `lib/node` is internal. The workspace's
// storage (database, tick store, run store, owner) is @backtestr/workspace-store's (`@backtestr/workspace-store/lib/node`).
export { DATA_COMMANDS, DataCommandOptions, IMPORT_USAGE, runDataCommand } from './data-cli';
export { DataQuality } from './data-quality';
export { defaultDataDir, SeedResult, seedSampleWorkspace } from './sample-workspace';
