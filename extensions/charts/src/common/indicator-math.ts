// *****************************************************************************
// Indicators over a panel's bars: the SDK's built-in definitions run bar by bar over the
// completed bars, the forming bar read with `peek` (its value if it closed now; no state change).
// Results as columns, the shape the plugin host returns for plugin indicators.
// *****************************************************************************

import { CORE_INDICATORS, IndicatorDefinition, IndicatorOutput, IndicatorState } from '@backtestr/plugins-sdk';
import { ChartBarColumns, UnixMicros } from './replay-protocol';

/** One indicator on a panel: a built-in one (`core.*`) or a plugin's, with its options. */
export interface PanelIndicator {
    readonly id: string;
    readonly options: Readonly<Record<string, unknown>>;
}

/** What an indicator computed over bars: one column per output; `defined[i]` is 0 while it warms up. */
export interface IndicatorColumns {
    readonly time: Float64Array;
    readonly values: Readonly<Record<string, Float64Array>>;
    readonly defined: Uint8Array;
}

/** The forming bar of a panel, if any. */
export interface FormingBar {
    readonly time: UnixMicros;
    readonly open: number;
    readonly high: number;
    readonly low: number;
    readonly close: number;
    readonly volume: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyIndicator = IndicatorDefinition<any, unknown>;

/** The built-in indicators of the SDK by id. */
export function coreIndicator(id: string): AnyIndicator | undefined {
    return (CORE_INDICATORS as readonly AnyIndicator[]).find(d => d.id === id);
}

export const CORE_INDICATOR_IDS: readonly string[] = (CORE_INDICATORS as readonly AnyIndicator[]).map(d => d.id);

/** Output values of one indicator value: a number is the first output's; an object holds one number per output id. */
function outputValues(outputs: readonly IndicatorOutput[], value: unknown): number[] | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (typeof value === 'number') {
        return outputs.map((_, k) => k === 0 ? value : NaN);
    }
    const v = value as Record<string, unknown>;
    return outputs.map(o => typeof v[o.id] === 'number' ? v[o.id] as number : NaN);
}

/**
 * `definition` with `options` (over its defaults) run over completed bars once; the forming bar is
 * then read with `peek` as often as it changes, without running the completed bars again, and bars
 * completed later (the same bars and more, as a live run or a replay moving forward adds them) run
 * through the same state with `extend`: the cost is the new bars, not all of them.
 * Throws the indicator's own error for bad options.
 */
export class IndicatorRun {
    protected readonly state: IndicatorState<unknown>;
    /** Columns with room to grow; rows [0, count) are final (views handed out never see them change). */
    protected time: Float64Array;
    protected values: Record<string, Float64Array>;
    protected defined: Uint8Array;
    protected count = 0;
    protected current: ChartBarColumns;

    constructor(protected readonly definition: AnyIndicator, options: Readonly<Record<string, unknown>>, bars: ChartBarColumns) {
        this.state = definition.create({ ...definition.defaultOptions, ...options });
        this.current = bars;
        this.time = new Float64Array(bars.count);
        this.values = {};
        definition.outputs.forEach(o => this.values[o.id] = new Float64Array(bars.count));
        this.defined = new Uint8Array(bars.count);
        this.feed(bars);
    }

    /** The bars run so far. */
    get bars(): ChartBarColumns {
        return this.current;
    }

    /** The completed bars' values. */
    get columns(): IndicatorColumns {
        const n = this.count;
        const values: Record<string, Float64Array> = {};
        for (const [id, v] of Object.entries(this.values)) {
            values[id] = v.subarray(0, n);
        }
        return { time: this.time.subarray(0, n), values, defined: this.defined.subarray(0, n) };
    }

    /**
     * Runs the bars of `bars` after those already run, when `bars` starts with them (completed bars never
     * change, so the same first and last times mean the same bars); false when it does not (a new run is needed).
     */
    extend(bars: ChartBarColumns): boolean {
        const n = this.count;
        if (bars.count < n || (n > 0 && (bars.time[0] !== this.time[0] || bars.time[n - 1] !== this.time[n - 1]))) {
            return false;
        }
        this.current = bars;
        this.feed(bars);
        return true;
    }

    protected feed(bars: ChartBarColumns): void {
        const from = this.count, to = bars.count;
        if (to > this.time.length) {
            const capacity = Math.max(to, this.time.length * 2);
            const grow = <T extends Float64Array | Uint8Array>(a: T, b: T): T => {
                b.set(a.subarray(0, from));
                return b;
            };
            this.time = grow(this.time, new Float64Array(capacity));
            for (const id of Object.keys(this.values)) {
                this.values[id] = grow(this.values[id], new Float64Array(capacity));
            }
            this.defined = grow(this.defined, new Uint8Array(capacity));
        }
        const columns: IndicatorColumns = { time: this.time, values: this.values, defined: this.defined };
        for (let i = from; i < to; i++) {
            this.time[i] = bars.time[i];
            this.put(columns, i, this.state.update({
                time: bars.time[i], open: bars.open[i], high: bars.high[i], low: bars.low[i], close: bars.close[i], volume: bars.volume[i], ticks: 0
            }));
        }
        this.count = to;
    }

    protected put(columns: IndicatorColumns, i: number, value: unknown): void {
        const row = outputValues(this.definition.outputs, value);
        if (row) {
            (columns.defined as Uint8Array)[i] = 1;
            this.definition.outputs.forEach((o, k) => columns.values[o.id][i] = row[k]);
        } else {
            (columns.defined as Uint8Array)[i] = 0;
        }
    }

    /** The completed bars' values, and the forming bar's (peeked) after them (a copy). */
    withForming(forming: FormingBar | undefined): IndicatorColumns {
        const done = this.columns;
        if (!forming) {
            return done;
        }
        const n = this.count;
        const grow = <T extends Float64Array | Uint8Array>(a: T, b: T): T => {
            b.set(a);
            return b;
        };
        const values: Record<string, Float64Array> = {};
        for (const [id, v] of Object.entries(done.values)) {
            values[id] = grow(v, new Float64Array(n + 1));
        }
        const out: IndicatorColumns = { time: grow(done.time, new Float64Array(n + 1)), values, defined: grow(done.defined, new Uint8Array(n + 1)) };
        (out.time as Float64Array)[n] = forming.time;
        this.put(out, n, this.state.peek?.({ ...forming, ticks: 0 }));
        return out;
    }
}

/** Runs `definition` over the completed bars, then peeks at the forming bar. */
export function computeIndicator(definition: AnyIndicator, options: Readonly<Record<string, unknown>>, bars: ChartBarColumns, forming?: FormingBar): IndicatorColumns {
    return new IndicatorRun(definition, options, bars).withForming(forming);
}

/** Options as the user types them: `period=20, source=close` (numbers and booleans parsed). */
export function parseIndicatorOptions(text: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const part of text.split(',').map(p => p.trim()).filter(p => p.length > 0)) {
        const m = /^([A-Za-z_][\w]*)\s*=\s*(.*)$/.exec(part);
        if (!m) {
            throw new Error(`'${part}': write options as name=value, separated by commas (e.g. period=20, source=close).`);
        }
        const raw = m[2].trim();
        out[m[1]] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    }
    return out;
}

export function formatIndicatorOptions(options: Readonly<Record<string, unknown>>): string {
    return Object.entries(options).map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

/** A short label for a chart legend: the id's last part and the option values, `ema(10,close)`. */
export function indicatorShortLabel(indicator: PanelIndicator): string {
    const name = indicator.id.slice(indicator.id.lastIndexOf('.') + 1);
    const values = Object.values(indicator.options).map(v => String(v));
    return values.length ? `${name}(${values.join(',')})` : name;
}
