// *****************************************************************************
// A command line made fit to run in the workspace's owner (the workbench's backend), whose current
// folder and environment are not the client's: relative paths made absolute against the client's
// folder, the workspace and the plugin folder given explicitly.
// *****************************************************************************

import * as path from 'path';
import { parseArgs } from 'util';
import { CommandOptions } from '@backtestr/data-import/lib/node';
import { COMMAND_OPTIONS } from './command-options';

/**
 * The commands that go to a running owner of their workspace. `bench` stays here: it measures this
 * process's throughput and peak memory (in the owner it would measure, and slow, the workbench); `seed`
 * stays here: it builds a workspace database from scratch, which a workspace with an owner already has.
 */
export const OWNER_COMMANDS: readonly string[] = ['run', 'audit', 'runs', 'report', 'import', 'datasets', 'export', 'quality'];
/** The commands that run only where no owner runs (they say so instead of meeting DuckDB's lock). */
export const ALONE_COMMANDS: readonly string[] = ['bench', 'seed'];

/** The options of all commands (their declarations agree where they share a name). */
const ALL_OPTIONS: CommandOptions = Object.assign({}, ...Object.values(COMMAND_OPTIONS));
/** Options whose value is a path. */
const PATH_FLAGS = new Set(['workspace', 'plugins', 'out', 'data']);
/** The positional arguments of each command that are paths. */
const PATH_POSITIONALS: Readonly<Record<string, (index: number) => boolean>> = {
    run: () => true,
    audit: () => true,
    import: () => true,
    export: index => index === 3
};

export interface OwnerArguments {
    /** The command line with absolute paths and an explicit `--workspace`. */
    readonly argv: string[];
    /** The workspace it works on (absolute): --workspace, else BACKTESTR_WORKSPACE, else `cwd`. */
    readonly workspace: string;
}

/** `argv` (command first) as the owner should run it for a client in `cwd` with `env`. */
export function ownerArguments(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): OwnerArguments {
    const [command, ...rest] = argv;
    const absolute = (p: string): string => path.resolve(cwd, p);
    // Not the command's own parse (that is the owner's, which reports a wrong line): any command's options are
    // known here, so that an option is passed on with its value whatever the command.
    const { tokens } = parseArgs({ args: rest, options: ALL_OPTIONS, strict: false, allowPositionals: true, tokens: true });
    const out: string[] = [command];
    const afterTerminator: string[] = [];
    let workspace: string | undefined;
    const given = new Set<string>();
    let positional = 0;
    let terminated = false;
    for (const token of tokens) {
        if (token.kind === 'option-terminator') {
            terminated = true;
            afterTerminator.push('--');
        } else if (token.kind === 'positional') {
            (terminated ? afterTerminator : out).push(PATH_POSITIONALS[command]?.(positional) ? absolute(token.value) : token.value);
            positional++;
        } else if (token.value === undefined) {
            given.add(token.name);
            out.push(ALL_OPTIONS[token.name] ? `--${token.name}` : token.rawName);
        } else {
            given.add(token.name);
            const value = token.value;
            const fixed = PATH_FLAGS.has(token.name) || (token.name === 'python' && value.includes(path.sep)) ? absolute(value) : value;
            if (token.name === 'workspace') {
                workspace = fixed;
            } else {
                out.push(`--${token.name}`, fixed);
            }
        }
    }
    if (!given.has('plugins') && env.BACKTESTR_PLUGIN_DIR && (command === 'run' || command === 'import')) {
        out.push('--plugins', absolute(env.BACKTESTR_PLUGIN_DIR));
    }
    const root = workspace ?? absolute(env.BACKTESTR_WORKSPACE || cwd);
    out.push('--workspace', root, ...afterTerminator);
    return { argv: out, workspace: root };
}
