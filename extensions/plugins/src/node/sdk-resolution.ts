// *****************************************************************************
// Plugins `require('@backtestr/plugins-sdk')` but are installed outside our node_modules:
// in the thread that loads them, that name resolves to the SDK this BackTestr ships.
// *****************************************************************************
import Module = require('module');

const SDK = '@backtestr/plugins-sdk';

interface ResolvingModule {
    _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
}

let installed = false;

/** Installs the resolution hook once per thread (idempotent). */
export function provideSdkToPlugins(): void {
    if (installed) {
        return;
    }
    installed = true;
    const resolving = Module as unknown as ResolvingModule;
    const original = resolving._resolveFilename;
    const sdkMain = require.resolve(SDK);
    resolving._resolveFilename = function (request: string, parent: unknown, isMain: boolean, options?: unknown): string {
        if (request === SDK) {
            return sdkMain;
        }
        // Subpaths (e.g. '@backtestr/plugins-sdk/lib/indicator') resolve as if this host module asked.
        return original.call(this, request, request.startsWith(SDK + '/') ? module : parent, isMain, options);
    };
}

/** `require(entry)` with the SDK provided: a plugin's module loaded outside any sandbox (the plugin host process, tests). */
export function requirePluginModule(entry: string): unknown {
    provideSdkToPlugins();
    return require(entry);
}
