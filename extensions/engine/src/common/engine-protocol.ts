// *****************************************************************************
// Engine protocol: what the frontend and other extensions may ask of the backtest engine:
// the strategies of the workspace, starting and controlling runs, the runs stored.
// *****************************************************************************

import { ApplicationError } from '@theia/core/lib/common/application-error';
import { DatasetKind, RunModels, RunRecord, RunsChange, UnixMicros } from '@backtestr/workspace-store';

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

/** A declared strategy parameter (the SDK's ParamSpec as plain data). */
export interface StrategyParamSpec {
    readonly type: 'int' | 'float' | 'bool' | 'enum';
    readonly default: number | boolean | string;
    readonly min?: number;
    readonly max?: number;
    readonly values?: readonly string[];
    readonly label?: string;
}

/** What a strategy file declares, or why it cannot be loaded. */
export interface StrategyDescription {
    /** File URI. */
    readonly uri: string;
    readonly id?: string;
    readonly label?: string;
    readonly params?: Readonly<Record<string, StrategyParamSpec>>;
    readonly timeframes?: readonly string[];
    readonly subscribe?: { readonly barClose: readonly string[]; readonly tick: boolean };
    /** What the strategy is granted beyond its sandbox (defineStrategy's permissions); absent: nothing. */
    readonly permissions?: { readonly files: readonly string[] };
    /** The load error (with the file and line) when the strategy is not valid. */
    readonly error?: string;
}

export interface RunRequest {
    /** Strategy file URI. */
    readonly strategy: string;
    /** `SYMBOL` or `SYMBOL@venue`. */
    readonly symbol: string;
    readonly kind?: DatasetKind;
    readonly from?: UnixMicros;
    readonly to?: UnixMicros;
    readonly params?: Readonly<Record<string, string | number | boolean>>;
    readonly models?: Partial<RunModels>;
    readonly seed?: number;
    readonly priceSource?: 'last' | 'bid' | 'ask' | 'mid';
    readonly session?: string;
    /** Also audit the run for look-ahead (20 cut runs, the run form's "Verify no look-ahead"); the verdict is stored with the run. */
    readonly verifyLookAhead?: boolean;
}

/** A run in progress. */
export interface ActiveRun {
    readonly run: RunRecord;
    readonly ticks: number;
    /** Engine clock after the last processed batch. */
    readonly time?: UnixMicros;
    /** 0..100 of the run's time range. */
    readonly percent: number;
    readonly paused: boolean;
    readonly elapsedMs: number;
}

/**
 * What the engine pushes to each frontend connection (as Theia's task service does), instead of being polled:
 * every change of the stored runs, whoever made it, and how the runs in progress go.
 */
export interface EngineClient {
    /** The stored runs changed (a run stored, finished, deleted, marked interrupted): `listRuns` has news. */
    onDidChangeRuns(change: RunsChange): void;
    /** A run entered or left `getActiveRuns`, or was paused or resumed. */
    onDidChangeActiveRuns(): void;
    /** A run in progress advanced (at most a few times a second per run). */
    onRunProgress(run: ActiveRun): void;
}

export const EngineService = Symbol('EngineService');
export interface EngineService {
    getEngineInfo(): Promise<EngineInfo>;
    /** Strategy files (`.ts`, `.js`, `.py`) under the workspace's `strategies` folder, as URIs. */
    listStrategyFiles(): Promise<string[]>;
    describeStrategy(uri: string): Promise<StrategyDescription>;
    /** Starts a run; resolves once it is recorded (before its first tick). Rejects with the reason when it cannot start. */
    startRun(request: RunRequest): Promise<RunRecord>;
    /** Runs stored in the workspace, newest first. */
    listRuns(): Promise<RunRecord[]>;
    getActiveRuns(): Promise<ActiveRun[]>;
    pauseRun(id: string): Promise<void>;
    resumeRun(id: string): Promise<void>;
    cancelRun(id: string): Promise<void>;
    deleteRun(id: string): Promise<void>;
}

/** Errors of the engine extension cross RPC with codes 3000-3099. */
export namespace EngineErrors {
    export const NativeUnavailable = ApplicationError.declare(3000, (reason: string) => ({
        message: `The native engine is not available: ${reason}`,
        data: { reason }
    }));
    export const RunFailedToStart = ApplicationError.declare(3001, (reason: string) => ({
        message: reason,
        data: { reason }
    }));
    export const NoSuchRun = ApplicationError.declare(3002, (id: string) => ({
        message: `No run '${id}' is in progress.`,
        data: { id }
    }));
}
