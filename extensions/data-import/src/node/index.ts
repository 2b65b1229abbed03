// The public node entry of @backtestr/data-import (`@backtestr/data-import/lib/node`): what the CLI,
// the other extensions, their specs and benches use. Everything else in `lib/node` is internal. The workspace's
// storage (database, tick store, run store, owner) is @backtestr/workspace-store's (`@backtestr/workspace-store/lib/node`).
export {
    CommandLine, CommandLineError, CommandLineProblem, CommandOptions, CommandValues, GivenOption, numberOption, parseCommandLine, withoutOptions
} from './command-line';
export { DATA_COMMAND_OPTIONS, DATA_COMMANDS, DataCommandOptions, IMPORT_USAGE, runDataCommand } from './data-cli';
export { DataQuality } from './data-quality';
export { defaultDataDir, SeedResult, seedSampleWorkspace } from './sample-workspace';
export { SeededRandom } from './synthetic-ticks';
