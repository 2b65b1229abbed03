import { Bar, Timeframe } from './types';

export type ParamSpec =
    | { readonly type: 'int'; readonly default: number; readonly min?: number; readonly max?: number; readonly label?: string }
    | { readonly type: 'float'; readonly default: number; readonly min?: number; readonly max?: number; readonly label?: string }
    | { readonly type: 'bool'; readonly default: boolean; readonly label?: string }
    | { readonly type: 'enum'; readonly default: string; readonly values: readonly string[]; readonly label?: string };

export type ParamValues<P extends Record<string, ParamSpec>> = { readonly [K in keyof P]: P[K]['default'] };

export interface Subscriptions {
    /** Wake the strategy when a bar of these timeframes closes. */
    readonly barClose?: readonly Timeframe[];
    /** Wake the strategy on every tick (slower: the engine returns to JS per tick). */
    readonly tick?: boolean;
}

/** The strategy's window on the engine; filled in by the strategy host. */
export interface StrategyContext<P extends Record<string, ParamSpec> = Record<string, ParamSpec>> {
    readonly params: ParamValues<P>;
    log(message: string): void;
    record(name: string, value: number): void;
}

export interface StrategyDefinition<P extends Record<string, ParamSpec>> {
    readonly id: string;
    readonly label?: string;
    readonly params: P;
    readonly subscribe: Subscriptions;
    onStart?(ctx: StrategyContext<P>): void;
    onBarClose?(ctx: StrategyContext<P>, bar: Bar, timeframe: Timeframe): void;
    onStop?(ctx: StrategyContext<P>): void;
}

/** Validates a strategy's declaration (ids, parameter ranges) and freezes it. */
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
    return Object.freeze({ ...definition });
}
