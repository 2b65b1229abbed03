// *****************************************************************************
// Where the TypeScript compiler and the SDK's declarations are on disk. Both are loaded
// through a require made at run time, so a bundled backend (the app's esbuild) keeps them
// as files in node_modules: TypeScript finds its lib.*.d.ts files beside typescript.js, and
// the SDK's .d.ts files are read from its package, not from the bundle.
// *****************************************************************************

import type * as ts from 'typescript';
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';

const runtimeRequire = createRequire(__filename);

let typescript: typeof ts | undefined;

/** The `typescript` package (the engine's dependency), loaded once. */
export function loadTypeScript(): typeof ts {
    typescript ??= runtimeRequire('typescript') as typeof ts;
    return typescript;
}

export const PLUGINS_SDK_MODULE = '@backtestr/plugins-sdk';

export interface PluginsSdkTypes {
    /** The SDK package's folder (real path). */
    readonly packageDir: string;
    /** Its entry declaration file, e.g. `<packageDir>/lib/index.d.ts`. */
    readonly entry: string;
}

/** Finds `@backtestr/plugins-sdk`'s declarations through node_modules from the backend. */
export function findPluginsSdkTypes(): PluginsSdkTypes {
    const manifest = fs.realpathSync(runtimeRequire.resolve(`${PLUGINS_SDK_MODULE}/package.json`));
    const packageDir = path.dirname(manifest);
    const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { types?: string; typings?: string };
    const entry = path.join(packageDir, json.types ?? json.typings ?? 'lib/index.d.ts');
    if (!fs.existsSync(entry)) {
        throw new Error(`${PLUGINS_SDK_MODULE} has no declarations at ${entry}: build plugins-sdk (tsc -b).`);
    }
    return { packageDir, entry };
}
