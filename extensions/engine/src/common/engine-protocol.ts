// *****************************************************************************
// Engine protocol: what the frontend and other extensions may ask of the backtest engine.
// *****************************************************************************

import { ApplicationError } from '@theia/core/lib/common/application-error';

export const ENGINE_SERVICE_PATH = '/services/backtestr/engine';

/** State of the native addon as the backend sees it. Plain data, sent over RPC. */
export interface EngineInfo {
    /** Version of the `@backtestr/native` addon, when it loaded. */
    readonly nativeVersion?: string;
    /** Why the addon could not be loaded (build it with `npm run build -w @backtestr/native`). */
    readonly nativeError?: string;
    /** Timeframes the engine builds by default, smallest first. */
    readonly defaultTimeframes: readonly string[];
}

export const EngineService = Symbol('EngineService');
export interface EngineService {
    getEngineInfo(): Promise<EngineInfo>;
}

/** Errors of the engine extension cross RPC with codes 3000-3099. */
export namespace EngineErrors {
    export const NativeUnavailable = ApplicationError.declare(3000, (reason: string) => ({
        message: `The native engine is not available: ${reason}`,
        data: { reason }
    }));
}
