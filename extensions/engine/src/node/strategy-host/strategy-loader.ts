// *****************************************************************************
// Loads a strategy file: TypeScript (or JavaScript) bundled by esbuild and evaluated in the
// sandbox (strategy-sandbox.ts: an SES compartment whose only module is the host's
// `@backtestr/plugins-sdk`); stacks are mapped to the user's file and line. The definition's
// `permissions.files` are granted to its compartment once it is defined.
// *****************************************************************************

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ParamSpec, StrategyDefinition } from '@backtestr/plugins-sdk';
import { isStrategyDefinition } from '@backtestr/plugins-sdk/host';
import { StrategyRunError } from './strategy-run-protocol';
import { loadPythonStrategy, PythonStrategyOptions } from './python/python-strategy';
import { bundleForSandbox, loadSandboxedModule, mapSandboxStack, SandboxedModule } from './strategy-sandbox';

export interface LoadedStrategy {
    readonly definition: StrategyDefinition<Record<string, ParamSpec>>;
    readonly file: string;
    readonly sourceHash: string;
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
    const who = `Strategy ${path.basename(absolute)}`;
    let code: string;
    try {
        code = bundleForSandbox(absolute, who);
    } catch (error) {
        throw new StrategyRunError('load', `Cannot compile ${absolute}: ${(error as Error).message}`);
    }
    let mod: SandboxedModule;
    try {
        mod = loadSandboxedModule(absolute, who, code);
    } catch (error) {
        const stack = (error as Error).stack;
        throw new StrategyRunError('load', `${path.basename(absolute)} threw while loading: ${(error as Error).message}`, stack && mapSandboxStack(stack));
    }
    const exported = (mod.exports as { default?: unknown }).default ?? mod.exports;
    if (!isStrategyDefinition(exported)) {
        throw new StrategyRunError('invalid', `${absolute} does not export a strategy: its default export must be ` +
            `defineStrategy({ ... }) from '@backtestr/plugins-sdk' (found ${describe(exported)}).`);
    }
    try {
        mod.files.grant(exported.permissions);
    } catch (error) {
        throw new StrategyRunError('invalid', (error as Error).message);
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
