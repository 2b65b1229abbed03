// *****************************************************************************
// The sandbox of strategy and plugin code: a file and its own imports are bundled by esbuild into
// one script (a Node built-in or another BackTestr package is refused at compile time, naming the
// import and its file:line) and evaluated in an SES Compartment of a locked-down thread whose
// globals are the language's own plus the SDK (`require('@backtestr/plugins-sdk')`, the only
// module there is), a bounded console, and the files the strategy declared (readFile). The bundle's
// lines are mapped back to the user's files with the inline source map (Node's SourceMap).
// *****************************************************************************

import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { format } from 'util';
import Module = require('module');
import * as sdk from '@backtestr/plugins-sdk';
import { StrategyPermissions } from '@backtestr/plugins-sdk';
import { isLockedDown } from './sandbox-lockdown';

const SDK = '@backtestr/plugins-sdk';
/** Lines a sandbox's console writes at most (each compartment): a strategy logging per tick cannot flood the host. */
const CONSOLE_LINES = 1000;

/** Why a module cannot be reached from the sandbox. */
export function sandboxRefusal(who: string, request: string): string {
    return `${who} cannot import '${request}': strategies and plugins run in a sandbox whose only module is ` +
        `'${SDK}'${who.startsWith('plugin') ? '' : ' (declare files to read in defineStrategy({ permissions: { files: [...] } }))'}; ` +
        'see the README, "Sandbox".';
}

/**
 * One script of `entry` and its imports (CommonJS, inline source map, nothing written). Packages are bundled in (so
 * they run in the sandbox too); the platform is neutral, so a Node built-in does not resolve: that error (esbuild
 * gives the importing file and line) says the sandbox refused it. BackTestr's own packages stay imports, which the
 * sandbox's require refuses (all but the SDK) when the module loads. Throws esbuild's BuildFailure.
 */
export function bundleForSandbox(entry: string, who: string): string {
    const folder = path.dirname(entry);
    try {
        // Node resolves the map's sources from the module's file (`entry`), esbuild writes them relative to the output
        // file's folder and names diagnostics relative to absWorkingDir: all three are the entry's folder.
        const built = esbuild.buildSync({
            entryPoints: [entry], bundle: true, platform: 'neutral', mainFields: ['module', 'main'], format: 'cjs', target: 'node20',
            sourcemap: 'inline', sourcesContent: false, write: false, logLevel: 'silent',
            absWorkingDir: folder, outfile: path.join(folder, `${path.basename(entry)}.bundle.js`), external: ['@backtestr/*']
        });
        return built.outputFiles[0].text;
    } catch (error) {
        const failure = error as esbuild.BuildFailure;
        for (const message of failure.errors ?? []) {
            const request = /^Could not resolve "([^"]+)"/.exec(message.text)?.[1];
            if (request !== undefined && Module.isBuiltin(request)) {
                message.text = sandboxRefusal(who, request);
            }
        }
        const first = failure.errors?.[0];
        if (first) {
            // One line: the first error at its absolute file:line:column.
            const where = first.location ? `${path.resolve(folder, first.location.file)}:${first.location.line}:${first.location.column + 1}: ` : '';
            failure.message = `${where}${first.text}`;
        }
        throw failure;
    }
}

interface MappedScript {
    readonly folder: string;
    readonly map: Module.SourceMap;
}

/** Source maps of the scripts evaluated in this thread, by the name their stack frames carry. */
const scripts = new Map<string, MappedScript>();

/** `stack` with each frame of a sandboxed script pointing at the user's file, line and column. */
export function mapSandboxStack(stack: string): string {
    let out = stack;
    for (const [file, script] of scripts) {
        const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        out = out.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g'), (whole, line: string, column: string) => {
            const entry = script.map.findEntry(Number(line) - 1, Number(column) - 1) as Partial<Module.SourceMapping>;
            if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) {
                return whole;
            }
            const source = entry.originalSource.startsWith('file://') ? new URL(entry.originalSource).pathname : path.resolve(script.folder, entry.originalSource);
            return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
        });
    }
    return out;
}

/** A console for one compartment: text only (no host object reaches the code), at most CONSOLE_LINES lines. */
function boundedConsole(who: string, harden: <T>(value: T) => T): Console {
    let lines = 0;
    const write = (to: (text: string) => void) => (...args: unknown[]): void => {
        lines++;
        if (lines <= CONSOLE_LINES) {
            to(format(...args));
        } else if (lines === CONSOLE_LINES + 1) {
            to(`(${who}: console output stopped after ${CONSOLE_LINES} lines)`);
        }
    };
    const out = write(text => process.stdout.write(text + '\n'));
    const err = write(text => process.stderr.write(text + '\n'));
    return harden({ log: out, info: out, debug: out, warn: err, error: err }) as unknown as Console;
}

/** The reads a strategy's compartment may make: the declared files, by their declared names, inside `folder`. */
export class FileGrant {
    protected readonly allowed = new Map<string, string>();
    protected active = false;

    constructor(protected readonly who: string, protected readonly folder: string) { }

    /** Grants `permissions.files` (from here on); refuses a path outside the folder, also through a symbolic link. */
    grant(permissions: StrategyPermissions | undefined): void {
        if (permissions?.network?.length) {
            throw new Error(`${this.who} declares permissions.network (${permissions.network.join(', ')}): this version grants no network ` +
                'access to strategies; see the README, "Sandbox".');
        }
        for (const name of permissions?.files ?? []) {
            const absolute = path.resolve(this.folder, name);
            if (!this.inside(absolute)) {
                throw new Error(`${this.who} declares the file '${name}', which is outside its folder ${this.folder}.`);
            }
            this.allowed.set(absolute, name);
        }
        this.active = true;
    }

    read(name: string): Buffer {
        if (!this.active) {
            throw new Error(`${this.who}: readFile('${name}') while the module loads; read declared files in a hook (e.g. onStart).`);
        }
        const absolute = path.resolve(this.folder, String(name));
        if (!this.allowed.has(absolute)) {
            const declared = [...this.allowed.values()];
            throw new Error(`${this.who} cannot read '${name}': it is not declared in permissions.files ` +
                `(${declared.length ? `declared: ${declared.join(', ')}` : 'none declared'}); see the README, "Sandbox".`);
        }
        let real: string;
        try {
            real = fs.realpathSync(absolute);
        } catch (error) {
            throw new Error(`${this.who} cannot read '${name}': ${(error as Error).message}`);
        }
        if (!this.inside(real)) {
            throw new Error(`${this.who} cannot read '${name}': it links to ${real}, outside its folder.`);
        }
        return fs.readFileSync(real);
    }

    protected inside(file: string): boolean {
        const folder = this.folder;
        const real = fs.existsSync(folder) ? fs.realpathSync(folder) : folder;
        return [folder, real].some(f => file.startsWith(f + path.sep));
    }
}

export interface SandboxedModule {
    readonly exports: unknown;
    /** The module's file reads (strategies: granted once the definition's permissions are known). */
    readonly files: FileGrant;
}

/**
 * Bundles `entry` and evaluates it in a new compartment of this thread (locked down in a strategy worker); returns its exports. `who` names
 * the code in messages ("strategy sma-cross.ts", "plugin acme.bands"). Compile errors throw esbuild's BuildFailure.
 */
export function loadSandboxedModule(entry: string, who: string, code = bundleForSandbox(entry, who)): SandboxedModule {
    // Outside a locked-down thread SES's harden does not exist: a shallow freeze (no boundary there, see sandbox-lockdown.ts).
    const harden = isLockedDown() ? globalThis.harden : Object.freeze;
    const folder = path.dirname(entry);
    const files = new FileGrant(who, folder);
    const sdkInside = harden({
        ...sdk,
        readFile: (name: string): string => files.read(name).toString('utf8'),
        readFileBytes: (name: string): Uint8Array => new Uint8Array(files.read(name))
    });
    const requireInside = harden((request: string): unknown => {
        if (request === SDK) {
            return sdkInside;
        }
        throw new Error(sandboxRefusal(who, String(request)));
    });
    const compartment = new Compartment({
        // The language's Math and Date as the host has them (SES's compartments make Math.random() and Date.now() throw):
        // strategies written before the sandbox keep running. Neither is the run's clock nor seeded: see the README.
        // SES leaves the float typed arrays out of compartments (their NaN bits are a side channel): columns need them.
        globals: { console: boundedConsole(who, harden), Math, Date, Intl, Float32Array, Float64Array } as unknown as Map<string, unknown>,
        __options__: true
    });
    const mapAt = code.lastIndexOf('//# sourceMappingURL=data:');
    const body = mapAt >= 0 ? code.slice(0, mapAt) : code;
    if (mapAt >= 0) {
        const payload = code.slice(mapAt).replace(/^\/\/# sourceMappingURL=data:[^,]*,/, '').trim();
        scripts.set(entry, { folder, map: new Module.SourceMap(JSON.parse(Buffer.from(payload, 'base64').toString('utf8'))) });
    }
    // The body starts on the wrapper's first line: the script's lines are the bundle's (the source map's).
    const factory = compartment.evaluate(`(function (require, module, exports) {${body}\n})\n//# sourceURL=${entry}\n`) as
        (r: typeof requireInside, m: { exports: unknown }, e: unknown) => void;
    const mod = { exports: {} as unknown };
    factory(requireInside, mod, mod.exports);
    return { exports: mod.exports, files };
}

/** A plugin's engine entry (its indicators) in a compartment of its own: the strategies' globals, no file. */
export function loadSandboxedPlugin(entry: string, pluginId: string): unknown {
    const mod = loadSandboxedModule(entry, `plugin ${pluginId}`);
    mod.files.grant(undefined);
    return mod.exports;
}

/** The grant as plain data (what runs store and show): the declared files; undefined when none. */
export function grantedPermissions(permissions: StrategyPermissions | undefined): { readonly files: readonly string[] } | undefined {
    const files = (permissions?.files ?? []).map(String);
    return files.length ? { files } : undefined;
}
