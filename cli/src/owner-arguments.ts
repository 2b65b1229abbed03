// *****************************************************************************
// A command line made fit to run in the workspace's owner (the workbench's backend), whose current
// folder and environment are not the client's: relative paths made absolute against the client's
// folder, the workspace and the plugin folder given explicitly.
// *****************************************************************************

import * as path from 'path';

/**
 * The commands that go to a running owner of their workspace. `bench` stays here: it measures this
 * process's throughput and peak memory (in the owner it would measure, and slow, the workbench); `seed`
 * stays here: it builds a workspace database from scratch, which a workspace with an owner already has.
 */
export const OWNER_COMMANDS: readonly string[] = ['run', 'runs', 'report', 'import', 'datasets', 'export', 'quality'];
/** The commands that run only where no owner runs (they say so instead of meeting DuckDB's lock). */
export const ALONE_COMMANDS: readonly string[] = ['bench', 'seed'];

/** Options whose value is a path. */
const PATH_FLAGS = new Set(['workspace', 'plugins', 'out', 'data']);
/** Options without a value. */
const SWITCHES = new Set(['json', 'no-save', 'help']);
/** The positional arguments of each command that are paths. */
const PATH_POSITIONALS: Readonly<Record<string, (index: number) => boolean>> = {
    run: () => true,
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
    const out: string[] = [command];
    let workspace: string | undefined;
    const given = new Set<string>();
    let positional = 0;
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (!a.startsWith('--')) {
            out.push(PATH_POSITIONALS[command]?.(positional) ? absolute(a) : a);
            positional++;
            continue;
        }
        if (a === '--param' || a.startsWith('--param=')) {
            // run's --param name=value always takes the next argument
            out.push(a, ...rest.slice(i + 1, i + 2));
            i++;
            continue;
        }
        const eq = a.indexOf('=');
        const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
        given.add(name);
        if (SWITCHES.has(name) && eq < 0) {
            out.push(a);
            continue;
        }
        let value: string | undefined;
        if (eq > 0) {
            value = a.slice(eq + 1);
        } else if (rest[i + 1] !== undefined && !rest[i + 1].startsWith('--')) {
            value = rest[++i];
        }
        if (value === undefined) {
            out.push(a);
            continue;
        }
        const fixed = PATH_FLAGS.has(name) || (name === 'python' && value.includes(path.sep)) ? absolute(value) : value;
        if (name === 'workspace') {
            workspace = fixed;
        } else {
            out.push(`--${name}`, fixed);
        }
    }
    if (!given.has('plugins') && env.BACKTESTR_PLUGIN_DIR && (command === 'run' || command === 'import')) {
        out.push('--plugins', absolute(env.BACKTESTR_PLUGIN_DIR));
    }
    const root = workspace ?? absolute(env.BACKTESTR_WORKSPACE || cwd);
    out.push('--workspace', root);
    return { argv: out, workspace: root };
}
