// *****************************************************************************
// The options of every `backtestr` command, declared once as util.parseArgs takes them: the commands
// parse their lines by them (parseCommandLine) and ownerArguments rewrites a line for the workspace's
// owner by them (which options take a value, which are paths).
// *****************************************************************************

import { CommandOptions, DATA_COMMAND_OPTIONS } from '@backtestr/data-import/lib/node';

const workspace = { type: 'string', short: 'w' } as const;
const json = { type: 'boolean' } as const;
const help = { type: 'boolean', short: 'h' } as const;

/** `backtestr run`. */
export const RUN_OPTIONS = {
    workspace, symbol: { type: 'string', short: 's' }, kind: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
    param: { type: 'string', multiple: true }, price: { type: 'string' }, session: { type: 'string' }, fill: { type: 'string' }, 'limit-fill': { type: 'string' },
    slippage: { type: 'string' }, commission: { type: 'string' }, latency: { type: 'string' }, cash: { type: 'string' }, seed: { type: 'string' },
    plugins: { type: 'string' }, python: { type: 'string' }, timeout: { type: 'string' }, 'memory-budget': { type: 'string' },
    'no-save': { type: 'boolean' }, json, help
} as const satisfies CommandOptions;

/** `backtestr bench`: run's options (its runs never save) and --repeat. */
export const BENCH_OPTIONS = { ...RUN_OPTIONS, repeat: { type: 'string', default: '3' } } as const satisfies CommandOptions;

/** `backtestr audit`: run's options, --cuts and --parallel. */
export const AUDIT_OPTIONS = { ...RUN_OPTIONS, cuts: { type: 'string' }, parallel: { type: 'string' } } as const satisfies CommandOptions;

/** `backtestr runs`. */
export const RUNS_OPTIONS = { workspace, json, help } as const satisfies CommandOptions;

/** `backtestr report`. */
export const REPORT_OPTIONS = { workspace, format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' }, help } as const satisfies CommandOptions;

/** `backtestr import`: data-import's options and --plugins (the plugin directory, which the CLI reads). */
export const IMPORT_OPTIONS = { ...DATA_COMMAND_OPTIONS.import, plugins: RUN_OPTIONS.plugins } as const satisfies CommandOptions;

/** Every command's options. */
export const COMMAND_OPTIONS: Readonly<Record<string, CommandOptions>> = {
    ...DATA_COMMAND_OPTIONS, run: RUN_OPTIONS, audit: AUDIT_OPTIONS, bench: BENCH_OPTIONS, runs: RUNS_OPTIONS, report: REPORT_OPTIONS, import: IMPORT_OPTIONS
};
