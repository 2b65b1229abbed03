// *****************************************************************************
// Loads a strategy file: TypeScript (or JavaScript) bundled to CommonJS by esbuild with an
// inline source map, evaluated as a module named after the user's file, so that with
// source maps enabled (`process.setSourceMapsEnabled(true)`) a stack trace points at the
// user's file and line. `@backtestr/plugins-sdk` resolves to the host's copy.
// *****************************************************************************

import * as crypto from 'crypto';
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import Module = require('module');
import { ParamSpec, StrategyDefinition } from '@backtestr/plugins-sdk';
import { isStrategyDefinition } from '@backtestr/plugins-sdk/host';
import { StrategyRunError } from './strategy-run-protocol';
import { loadPythonStrategy, PythonStrategyOptions } from './python/python-strategy';

export interface LoadedStrategy {
    readonly definition: StrategyDefinition<Record<string, ParamSpec>>;
    readonly file: string;
    readonly sourceHash: string;
}

interface CompilingModule extends Module {
    _compile(code: string, filename: string): void;
}

/**
 * Compiles and evaluates `file`; throws StrategyRunError('load' | 'invalid') with a message a user can act on.
 * A `.py` file runs in a Python child process (python/python-strategy.ts; `options.python` picks the interpreter).
 */
export function loadStrategy(file: string, options: PythonStrategyOptions = {}): LoadedStrategy {
    const absolute = path.resolve(file);
    let source: string;
    try {
        source = fs.readFileSync(absolute, 'utf8');
    } catch (error) {
        throw new StrategyRunError('load', `Cannot read the strategy file ${absolute}: ${(error as Error).message}`);
    }
    if (absolute.endsWith('.py')) {
        return { definition: loadPythonStrategy(absolute, options), file: absolute, sourceHash: crypto.createHash('sha256').update(source).digest('hex') };
    }
    let code: string;
    // Node resolves the map's sources from the module's file (`absolute`), esbuild writes them relative to the output
    // file's folder and names diagnostics relative to absWorkingDir: all three are the strategy's folder, so neither
    // depends on the process's working directory. Nothing is written (write: false).
    const folder = path.dirname(absolute);
    try {
        const built = esbuild.buildSync({
            entryPoints: [absolute], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
            sourcemap: 'inline', sourcesContent: false, write: false, logLevel: 'silent',
            absWorkingDir: folder, outfile: path.join(folder, `${path.basename(absolute)}.bundle.js`),
            external: ['@backtestr/plugins-sdk'], packages: 'external'
        });
        code = built.outputFiles[0].text;
    } catch (error) {
        const failure = error as esbuild.BuildFailure;
        const first = failure.errors?.[0];
        const where = first?.location ? `${path.resolve(folder, first.location.file)}:${first.location.line}:${first.location.column + 1}: ` : '';
        throw new StrategyRunError('load', `Cannot compile ${absolute}: ${where}${first?.text ?? failure.message}`);
    }
    const mod = new Module(absolute, module) as CompilingModule;
    mod.filename = absolute;
    // Resolve bare imports from the host first (one SDK instance), then from the strategy's folder.
    mod.paths = [...module.paths, ...(Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(absolute))];
    try {
        mod._compile(code, absolute);
    } catch (error) {
        throw new StrategyRunError('load', `${path.basename(absolute)} threw while loading: ${(error as Error).message}`, (error as Error).stack);
    }
    const exported = (mod.exports as { default?: unknown }).default ?? mod.exports;
    if (!isStrategyDefinition(exported)) {
        throw new StrategyRunError('invalid', `${absolute} does not export a strategy: its default export must be ` +
            `defineStrategy({ ... }) from '@backtestr/plugins-sdk' (found ${describe(exported)}).`);
    }
    return { definition: exported, file: absolute, sourceHash: crypto.createHash('sha256').update(source).digest('hex') };
}

function describe(value: unknown): string {
    if (value === undefined || value === null) {
        return String(value);
    }
    if (typeof value === 'object') {
        const keys = Object.keys(value);
        return keys.length ? `an object with ${keys.slice(0, 5).join(', ')}` : 'an empty object';
    }
    return `a ${typeof value}`;
}
