// *****************************************************************************
// DuckDB results into typed arrays with one native call per result (`@backtestr/engine-core`'s
// duckdbCopyResult): node-bindings hands a chunk out as a JS object and each of its columns as a
// fresh Buffer copy, so copying through it costs objects, Buffers and two copies per column of
// every 2,048 rows. Where the addon cannot be
// loaded (not built) or attached (libduckdb under another name), `nativeChunkCopy()` is undefined
// and the readers copy through node-bindings.
// *****************************************************************************

import * as path from 'path';
import type { DuckDBMaterializedResult } from '@duckdb/node-api';

/** The addon's copy functions (see native/index.d.ts). */
export interface NativeChunkCopy {
    duckdbAttach(libraryPath: string): void;
    duckdbCopyResult(result: unknown, offset: number, targets: readonly (Float64Array | Int32Array | BigInt64Array | undefined)[]): number;
}

/** node-bindings' handle of a materialized result (what duckdbCopyResult takes). */
export function resultHandle(result: DuckDBMaterializedResult): unknown {
    return (result as unknown as { result: unknown }).result;
}

let loaded: NativeChunkCopy | null | undefined;

/** The libduckdb that node-bindings loads on this platform. */
function libduckdbPath(): string {
    const bindings = path.dirname(require.resolve('@duckdb/node-bindings'));
    const ext = process.platform === 'darwin' ? 'dylib' : process.platform === 'win32' ? 'dll' : 'so';
    return require.resolve(`@duckdb/node-bindings-${process.platform}-${process.arch}/libduckdb.${ext}`, { paths: [bindings] });
}

/** The native copy, attached to this process's libduckdb; undefined when unavailable or BACKTESTR_NATIVE_COPY=0. */
export function nativeChunkCopy(): NativeChunkCopy | undefined {
    if (loaded === undefined) {
        loaded = null;
        if (process.env.BACKTESTR_NATIVE_COPY !== '0') {
            try {
                const addon = require('@backtestr/engine-core') as NativeChunkCopy;
                addon.duckdbAttach(libduckdbPath());
                loaded = addon;
            } catch {
                // Not built, or another libduckdb: the node-bindings path serves.
            }
        }
    }
    return loaded ?? undefined;
}

/** Forgets the choice (tests switch between the two paths with BACKTESTR_NATIVE_COPY). */
export function resetNativeChunkCopy(): void {
    loaded = undefined;
}
