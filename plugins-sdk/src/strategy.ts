import { MtfSeries } from './mtf-state';
import { IndicatorState } from './indicator';
import { Account, InstrumentInfo, OrderEvent, Orders, Position } from './orders';
import { Bar, Timeframe, UnixMicros } from './types';
import { parseTimeframe } from './timeframe';

export type ParamSpec =
    | { readonly type: 'int'; readonly default: number; readonly min?: number; readonly max?: number; readonly label?: string }
    | { readonly type: 'float'; readonly default: number; readonly min?: number; readonly max?: number; readonly label?: string }
    | { readonly type: 'bool'; readonly default: boolean; readonly label?: string }
    | { readonly type: 'enum'; readonly default: string; readonly values: readonly string[]; readonly label?: string };

export type ParamValues<P extends Record<string, ParamSpec>> = { readonly [K in keyof P]: P[K]['default'] };

/** The timeframes a run computes unless the strategy declares its own. */
export const DEFAULT_TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '15m', '1H', '4H', '1D'];

export interface Subscriptions {
    /** Wake the strategy when a bar of these timeframes closes. */
    readonly barClose?: readonly Timeframe[];
    /** Wake the strategy on every tick (slower: the engine returns to JS per tick). */
    readonly tick?: boolean;
}

/**
 * The strategy's window on the engine; filled in by the strategy host. Everything it shows
 * was known at `time`: completed bars exist only after the tick that closes them, and at a
 * bar-close wake-up the closing tick itself is not applied yet (nothing of it is shown).
 * The host hands out exactly these members (a frozen object, no engine or state memory
 * reachable from it; see README "What `ctx` is").
 */
export interface StrategyContext<P extends Record<string, ParamSpec> = Record<string, ParamSpec>> {
    readonly params: ParamValues<P>;
    /**
     * The clock in UTC microseconds, as a live trader would read it: in onTick the time of the tick just applied; in
     * onBarClose (and the order events delivered at that stop) the latest period end of the bars that closed there, never
     * the time of the tick that closed them (not applied yet); in onFill / onOrderEvent otherwise the time of the tick
     * that caused the event; in onStop the last tick's time; in onStart, before any tick, the engine's initial clock.
     */
    readonly time: UnixMicros;
    /** The multi-timeframe state of one timeframe (read in place: no copy, no native call). */
    mtf(timeframe: Timeframe): MtfSeries;
    /** A line in the run's log, stamped with `time`. */
    log(message: string): void;
    /** A value of a named series the replay and charts show, stamped with `time`. */
    record(name: string, value: number): void;
    /** Sends, cancels and modifies orders (sent when the hook returns; see orders.ts). */
    readonly order: Orders;
    /** The net position as of the last applied tick. */
    readonly position: Position;
    readonly account: Account;
    readonly instrument: InstrumentInfo;
    /**
     * A new state of an indicator by id: a built-in (`core.sma`, `core.rsi`, ... see CORE_INDICATORS) or one
     * contributed by an enabled plugin, with `options` over its defaults. Feed it bars (`update(bar)`), e.g. in onBarClose.
     * Throws, naming the known ids, for an unknown id.
     */
    indicator<Value = unknown>(id: string, options?: Readonly<Record<string, unknown>>): IndicatorState<Value>;
}

/**
 * What a strategy may reach beyond its API (it runs in a sandbox: no Node built-ins, no network, no file).
 * The run form, the CLI's summary and the stored run's config show the grant.
 */
export interface StrategyPermissions {
    /**
     * Files the strategy may read with `readFile(name)`, read-only: paths relative to the strategy file's folder
     * (`'model.json'`, `'data/levels.csv'`), never outside it.
     */
    readonly files?: readonly string[];
    /** Hosts (`host:port`) the strategy may connect to. Not granted by this version: a strategy declaring one does not load. */
    readonly network?: readonly string[];
}

export interface StrategyDefinition<P extends Record<string, ParamSpec>> {
    readonly id: string;
    readonly label?: string;
    readonly params: P;
    readonly subscribe: Subscriptions;
    /** The timeframes the engine computes for this strategy (subscribed ones are added); default DEFAULT_TIMEFRAMES. */
    readonly timeframes?: readonly Timeframe[];
    /** What the strategy may reach beyond its API; none by default (see StrategyPermissions). */
    readonly permissions?: StrategyPermissions;
    onStart?(ctx: StrategyContext<P>): void;
    /** A bar of a subscribed timeframe closed; `bar` is an immutable copy (also `ctx.mtf(timeframe).bar(-1)`). */
    onBarClose?(ctx: StrategyContext<P>, bar: Bar, timeframe: Timeframe): void;
    /** After each tick is applied (needs `subscribe: { tick: true }`). */
    onTick?(ctx: StrategyContext<P>): void;
    /** An order filled, completely or in part (also delivered to onOrderEvent). */
    onFill?(ctx: StrategyContext<P>, fill: OrderEvent): void;
    /** Anything that happened to an order: accepted, rejected (with the reason), filled, cancelled, expired, ... */
    onOrderEvent?(ctx: StrategyContext<P>, event: OrderEvent): void;
    /** End of data (or of the requested range); partial bars stay partial. */
    onStop?(ctx: StrategyContext<P>): void;
}

const STRATEGY_MARK = Symbol.for('backtestr.strategy');

/** Validates a strategy's declaration (ids, parameter ranges, timeframes) and freezes it. */
export function defineStrategy<P extends Record<string, ParamSpec>>(definition: StrategyDefinition<P>): StrategyDefinition<P> {
    for (const [name, spec] of Object.entries(definition.params)) {
        if ((spec.type === 'int' || spec.type === 'float')) {
            if (spec.min !== undefined && spec.default < spec.min || spec.max !== undefined && spec.default > spec.max) {
                throw new Error(`Strategy '${definition.id}': parameter '${name}' default ${spec.default} is outside [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}].`);
            }
            if (spec.type === 'int' && !Number.isInteger(spec.default)) {
                throw new Error(`Strategy '${definition.id}': parameter '${name}' is an int but its default is ${spec.default}.`);
            }
        }
        if (spec.type === 'enum' && !spec.values.includes(spec.default)) {
            throw new Error(`Strategy '${definition.id}': parameter '${name}' default '${spec.default}' is not one of ${spec.values.join(', ')}.`);
        }
    }
    if (!definition.subscribe.tick && (definition.subscribe.barClose?.length ?? 0) === 0) {
        throw new Error(`Strategy '${definition.id}' subscribes to nothing: add subscribe: { barClose: ['1m'] } or { tick: true }.`);
    }
    for (const tf of [...definition.timeframes ?? [], ...definition.subscribe.barClose ?? []]) {
        try {
            parseTimeframe(tf);
        } catch (e) {
            throw new Error(`Strategy '${definition.id}': ${e instanceof Error ? e.message : String(e)}`);
        }
    }
    checkPermissions(definition.id, definition.permissions);
    return Object.freeze(Object.defineProperty({ ...definition }, STRATEGY_MARK, { value: true, enumerable: false }));
}

/** The declared files are relative paths inside the strategy's folder (checked again, against the disk, by the host). */
function checkPermissions(id: string, permissions: StrategyPermissions | undefined): void {
    if (permissions === undefined) {
        return;
    }
    for (const file of permissions.files ?? []) {
        if (typeof file !== 'string' || file === '' || /^([\\/]|[A-Za-z]:)/.test(file) || file.split(/[\\/]/).includes('..')) {
            throw new Error(`Strategy '${id}': permissions.files names '${String(file)}'; give paths relative to the strategy's folder, inside it.`);
        }
    }
    for (const host of permissions.network ?? []) {
        if (typeof host !== 'string' || !/^[^\s:/]+:\d+$/.test(host)) {
            throw new Error(`Strategy '${id}': permissions.network names '${String(host)}'; give host:port.`);
        }
    }
}

/**
 * The text (UTF-8) of a file the strategy declared in `permissions.files`, by the same relative name. Works inside a
 * run's sandbox once the module is loaded (in hooks, e.g. onStart), where the run gives the strategy its own copy of
 * this function; any other name, or a call outside a run, throws.
 */
export function readFile(name: string): string {
    throw new Error(`readFile('${name}'): files are read only by a strategy inside a run, and only those declared in permissions.files.`);
}

/** The bytes of a file declared in `permissions.files` (as readFile). */
export function readFileBytes(name: string): Uint8Array {
    throw new Error(`readFileBytes('${name}'): files are read only by a strategy inside a run, and only those declared in permissions.files.`);
}

/** True for what `defineStrategy` returned (also across copies of the SDK). */
export function isStrategyDefinition(value: unknown): value is StrategyDefinition<Record<string, ParamSpec>> {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STRATEGY_MARK] === true;
}

/** The timeframes a run of `definition` computes: its declared ones (or the defaults) plus the subscribed ones. */
export function strategyTimeframes(definition: StrategyDefinition<Record<string, ParamSpec>>): Timeframe[] {
    const set = new Set<Timeframe>([...definition.timeframes ?? DEFAULT_TIMEFRAMES, ...definition.subscribe.barClose ?? []]);
    return [...set];
}

export type ParamInput = Readonly<Record<string, string | number | boolean>>;

/**
 * The parameter values of a run: defaults overridden by `overrides` (strings are parsed, as
 * from a command line). Throws an error naming the parameter for unknown names, bad types
 * and values out of range.
 */
export function resolveParams<P extends Record<string, ParamSpec>>(definition: StrategyDefinition<P>, overrides: ParamInput = {}): ParamValues<P> {
    const out: Record<string, number | boolean | string> = {};
    for (const [name, spec] of Object.entries(definition.params)) {
        out[name] = spec.default;
    }
    for (const [name, raw] of Object.entries(overrides)) {
        const spec = definition.params[name];
        if (!spec) {
            const known = Object.keys(definition.params);
            throw new Error(`Unknown parameter '${name}' for strategy '${definition.id}'; it has ${known.length ? known.join(', ') : 'no parameters'}.`);
        }
        if (spec.type === 'int' || spec.type === 'float') {
            const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
            if (!Number.isFinite(value) || spec.type === 'int' && !Number.isInteger(value)) {
                throw new Error(`Parameter '${name}' must be ${spec.type === 'int' ? 'an integer' : 'a number'}, got '${raw}'.`);
            }
            if (spec.min !== undefined && value < spec.min || spec.max !== undefined && value > spec.max) {
                throw new Error(`Parameter '${name}' = ${value} is outside [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}].`);
            }
            out[name] = value;
        } else if (spec.type === 'bool') {
            const value = raw === true || raw === 'true' || raw === '1' ? true : raw === false || raw === 'false' || raw === '0' ? false : undefined;
            if (value === undefined) {
                throw new Error(`Parameter '${name}' must be true or false, got '${raw}'.`);
            }
            out[name] = value;
        } else {
            if (typeof raw !== 'string' || !spec.values.includes(raw)) {
                throw new Error(`Parameter '${name}' must be one of ${spec.values.join(', ')}, got '${raw}'.`);
            }
            out[name] = raw;
        }
    }
    return Object.freeze(out) as ParamValues<P>;
}
