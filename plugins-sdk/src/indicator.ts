import { Bar, BarField } from './types';

/** What an indicator draws on a chart for one of its outputs. */
export interface IndicatorOutput {
    readonly id: string;
    readonly kind: 'line' | 'histogram' | 'band';
}

/** The incremental state of one indicator instance: O(1) work per update. */
export interface IndicatorState<Value> {
    /** Folds in the next completed bar; `undefined` while the indicator is warming up (never NaN). */
    update(bar: Bar): Value | undefined;
    /** The value the indicator would have if `bar` (a forming, partial bar) closed now; no state change. */
    peek?(bar: Bar): Value | undefined;
}

export interface IndicatorDefinition<Options extends object, Value> {
    readonly id: string;
    readonly label: string;
    readonly defaultOptions: Readonly<Options>;
    readonly outputs: readonly IndicatorOutput[];
    create(options: Readonly<Options>): IndicatorState<Value>;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

export function defineIndicator<Options extends object, Value>(definition: IndicatorDefinition<Options, Value>): IndicatorDefinition<Options, Value> {
    if (!ID_PATTERN.test(definition.id)) {
        throw new Error(`Indicator id '${definition.id}' is invalid: use lower-case letters, digits, '.', '_' or '-', e.g. 'acme.keltner'.`);
    }
    if (definition.outputs.length === 0) {
        throw new Error(`Indicator '${definition.id}' declares no outputs: add at least one, e.g. { id: 'value', kind: 'line' }.`);
    }
    return Object.freeze({ ...definition });
}

export function barValue(bar: Bar, field: BarField): number {
    return bar[field];
}
