// The few Node calls the indicator specs make (reading TA-Lib's files and the shared real data). The SDK
// compiles without Node's types on purpose (it must not use Node built-ins), so they are typed here.
interface NodeFs {
    readFileSync(path: string): Uint8Array;
    readFileSync(path: string, encoding: 'utf8'): string;
    existsSync(path: string): boolean;
    readdirSync(path: string): string[];
}
interface NodePath {
    join(...parts: string[]): string;
    dirname(path: string): string;
    resolve(...parts: string[]): string;
}
interface NodeZlib {
    inflateRawSync(data: Uint8Array): Uint8Array;
}
declare const require: (id: string) => unknown;
declare const __dirname: string;
declare const process: { env: Record<string, string | undefined> };

export const fs = require('fs') as NodeFs;
export const path = require('path') as NodePath;
export const zlib = require('zlib') as NodeZlib;

/**
 * A file of an installed package (e.g. `talib`), looked up in the node_modules folders above this file as
 * Node does (the package's `exports` hide its C sources from require.resolve).
 */
export function packageFile(pkg: string, file: string): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, 'node_modules', pkg);
        if (fs.existsSync(path.join(candidate, 'package.json'))) {
            return path.join(candidate, file);
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`Package '${pkg}' is not installed above ${__dirname}: run npm install (it is a devDependency of @backtestr/plugins-sdk).`);
        }
    }
}

/** ../shared/data beside the repository (BACKTESTR_DATA_DIR overrides it). */
export const SHARED_DATA = process.env.BACKTESTR_DATA_DIR ?? path.resolve(__dirname, '../../../../../shared/data');

declare class TextDecoder {
    decode(data: Uint8Array): string;
}
export function decodeUtf8(data: Uint8Array): string {
    return new TextDecoder().decode(data);
}
