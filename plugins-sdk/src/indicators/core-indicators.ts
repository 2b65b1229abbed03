// The built-in indicators as `defineIndicator` definitions: options with defaults, declared outputs, and a
// state per instance that adapts bars to the pure *-calculation classes of this folder.
import { IndicatorDefinition, IndicatorState, defineIndicator } from '../indicator';
import { Bar, BarField } from '../types';
import { AdxCalculation, AdxValue } from './adx-calculation';
import { AtrCalculation } from './atr-calculation';
import { BollingerCalculation, BollingerValue } from './bollinger-calculation';
import { DonchianCalculation, DonchianValue } from './donchian-calculation';
import { EmaCalculation } from './ema-calculation';
import { ExactWindow } from './exact-window';
import { MacdCalculation, MacdSeeding, MacdValue } from './macd-calculation';
import { requireInteger } from './price-units';
import { RsiCalculation } from './rsi-calculation';
import { StochasticCalculation, StochasticValue } from './stochastic-calculation';
import { VwapCalculation } from './vwap-calculation';
import { WmaCalculation } from './wma-calculation';

const BAR_FIELDS: readonly BarField[] = ['open', 'high', 'low', 'close', 'volume'];

export interface SourceOptions {
    /** The bar field the indicator reads. */
    readonly source: BarField;
}
export interface PeriodSourceOptions extends SourceOptions {
    readonly period: number;
}

/** A calculation over one number per bar. */
interface SeriesCalculation<Value> {
    update(x: number): Value | undefined;
    peek(x: number): Value | undefined;
}

/** Adapts a one-input calculation to bars: reads `source` from each bar. */
export class SourceState<Value> implements IndicatorState<Value> {
    constructor(readonly calculation: SeriesCalculation<Value>, protected readonly source: BarField) { }
    update(bar: Bar): Value | undefined {
        return this.calculation.update(bar[this.source]);
    }
    peek(bar: Bar): Value | undefined {
        return this.calculation.peek(bar[this.source]);
    }
}

/** Adapts a calculation over several bar fields to bars (the calculation stays reachable for inspection). */
export class BarState<Calculation, Value> implements IndicatorState<Value> {
    constructor(readonly calculation: Calculation, protected readonly step: (calculation: Calculation, bar: Bar, commit: boolean) => Value | undefined) { }
    update(bar: Bar): Value | undefined {
        return this.step(this.calculation, bar, true);
    }
    peek(bar: Bar): Value | undefined {
        return this.step(this.calculation, bar, false);
    }
}

/** Options merged over the defaults; unknown option names are rejected (a typo would otherwise be ignored). */
function withDefaults<Options extends object>(id: string, defaults: Options, options: Partial<Options> | undefined): Options {
    const merged = { ...defaults, ...options };
    for (const key of Object.keys(merged)) {
        if (!(key in defaults)) {
            throw new Error(`${id}: unknown option '${key}'; known options: ${Object.keys(defaults).join(', ')}.`);
        }
    }
    const source = (merged as Partial<SourceOptions>).source;
    if (source !== undefined && !BAR_FIELDS.includes(source)) {
        throw new Error(`${id}: option 'source' must be one of ${BAR_FIELDS.join(', ')}, got '${source}'.`);
    }
    return merged;
}

function periodSource<Value>(id: string, label: string, period: number, outputs: IndicatorDefinition<PeriodSourceOptions, Value>['outputs'],
    make: (period: number) => SeriesCalculation<Value>): IndicatorDefinition<PeriodSourceOptions, Value> {
    const defaultOptions: PeriodSourceOptions = { period, source: 'close' };
    return defineIndicator<PeriodSourceOptions, Value>({
        id, label, defaultOptions, outputs,
        create: options => {
            const o = withDefaults(id, defaultOptions, options);
            return new SourceState(make(requireInteger(id, 'period', o.period)), o.source);
        }
    });
}

const LINE = [{ id: 'value', kind: 'line' }] as const;

export const sma = periodSource<number>('core.sma', 'Simple Moving Average', 20, LINE, p => new ExactWindow(p));
export const ema = periodSource<number>('core.ema', 'Exponential Moving Average', 20, LINE, p => new EmaCalculation(p));
export const wma = periodSource<number>('core.wma', 'Weighted Moving Average', 20, LINE, p => new WmaCalculation(p));
export const rsi = periodSource<number>('core.rsi', 'Relative Strength Index (Wilder)', 14, LINE, p => new RsiCalculation(p));

export interface AtrOptions {
    readonly period: number;
}
const ATR_DEFAULTS: AtrOptions = { period: 14 };
export const atr = defineIndicator<AtrOptions, number>({
    id: 'core.atr', label: 'Average True Range (Wilder)', defaultOptions: ATR_DEFAULTS, outputs: LINE,
    create: options => {
        const calculation = new AtrCalculation(requireInteger('core.atr', 'period', withDefaults('core.atr', ATR_DEFAULTS, options).period));
        return new BarState(calculation, (c, bar, commit) => commit ? c.update(bar.high, bar.low, bar.close) : c.peek(bar.high, bar.low, bar.close));
    }
});

export interface BollingerOptions extends PeriodSourceOptions {
    /** Band width in population standard deviations. */
    readonly multiplier: number;
}
const BOLLINGER_DEFAULTS: BollingerOptions = { period: 20, multiplier: 2, source: 'close' };
export const bollinger = defineIndicator<BollingerOptions, BollingerValue>({
    id: 'core.bollinger', label: 'Bollinger Bands', defaultOptions: BOLLINGER_DEFAULTS,
    outputs: [{ id: 'upper', kind: 'band' }, { id: 'middle', kind: 'line' }, { id: 'lower', kind: 'band' }],
    create: options => {
        const o = withDefaults('core.bollinger', BOLLINGER_DEFAULTS, options);
        return new SourceState(new BollingerCalculation(requireInteger('core.bollinger', 'period', o.period), o.multiplier), o.source);
    }
});

export interface MacdOptions extends SourceOptions {
    readonly fast: number;
    readonly slow: number;
    readonly signal: number;
    readonly seeding: MacdSeeding;
}
const MACD_DEFAULTS: MacdOptions = { fast: 12, slow: 26, signal: 9, seeding: 'independent', source: 'close' };
export const macd = defineIndicator<MacdOptions, MacdValue>({
    id: 'core.macd', label: 'MACD', defaultOptions: MACD_DEFAULTS,
    outputs: [{ id: 'macd', kind: 'line' }, { id: 'signal', kind: 'line' }, { id: 'histogram', kind: 'histogram' }],
    create: options => {
        const o = withDefaults('core.macd', MACD_DEFAULTS, options);
        const id = 'core.macd';
        return new SourceState(new MacdCalculation(requireInteger(id, 'fast', o.fast), requireInteger(id, 'slow', o.slow),
            requireInteger(id, 'signal', o.signal), o.seeding), o.source);
    }
});

export interface StochasticOptions {
    /** Bars of the highest-high/lowest-low window of fast %K. */
    readonly kPeriod: number;
    /** Bars of the mean that turns fast %K into slow %K. */
    readonly slowing: number;
    /** Bars of the mean of slow %K (%D). */
    readonly dPeriod: number;
}
const STOCHASTIC_DEFAULTS: StochasticOptions = { kPeriod: 14, slowing: 3, dPeriod: 3 };
export const stochastic = defineIndicator<StochasticOptions, StochasticValue>({
    id: 'core.stochastic', label: 'Stochastic (slow)', defaultOptions: STOCHASTIC_DEFAULTS,
    outputs: [{ id: 'k', kind: 'line' }, { id: 'd', kind: 'line' }],
    create: options => {
        const id = 'core.stochastic';
        const o = withDefaults(id, STOCHASTIC_DEFAULTS, options);
        const calculation = new StochasticCalculation(requireInteger(id, 'kPeriod', o.kPeriod), requireInteger(id, 'slowing', o.slowing),
            requireInteger(id, 'dPeriod', o.dPeriod));
        return new BarState(calculation, (c, bar, commit) => commit ? c.update(bar.high, bar.low, bar.close) : c.peek(bar.high, bar.low, bar.close));
    }
});

export interface AdxOptions {
    readonly period: number;
}
const ADX_DEFAULTS: AdxOptions = { period: 14 };
export const adx = defineIndicator<AdxOptions, AdxValue>({
    id: 'core.adx', label: 'Average Directional Index (+DI/-DI)', defaultOptions: ADX_DEFAULTS,
    outputs: [{ id: 'adx', kind: 'line' }, { id: 'plusDi', kind: 'line' }, { id: 'minusDi', kind: 'line' }],
    create: options => {
        const calculation = new AdxCalculation(requireInteger('core.adx', 'period', withDefaults('core.adx', ADX_DEFAULTS, options).period));
        return new BarState(calculation, (c, bar, commit) => commit ? c.update(bar.high, bar.low, bar.close) : c.peek(bar.high, bar.low, bar.close));
    }
});

export interface VwapOptions {
    /** Minutes after 00:00 UTC at which a session (and the VWAP's sums) starts. */
    readonly dayBoundaryMinutes: number;
    /** What weighs each bar: its volume, or its tick count (for quote data that has no volume). */
    readonly weight: 'volume' | 'ticks';
}
const VWAP_DEFAULTS: VwapOptions = { dayBoundaryMinutes: 0, weight: 'volume' };
export const vwap = defineIndicator<VwapOptions, number>({
    id: 'core.vwap', label: 'VWAP (session)', defaultOptions: VWAP_DEFAULTS, outputs: LINE,
    create: options => {
        const o = withDefaults('core.vwap', VWAP_DEFAULTS, options);
        if (o.weight !== 'volume' && o.weight !== 'ticks') {
            throw new Error(`core.vwap: option 'weight' must be 'volume' or 'ticks', got '${o.weight}'.`);
        }
        const calculation = new VwapCalculation(o.dayBoundaryMinutes);
        const field = o.weight;
        return new BarState(calculation, (c, bar, commit) => commit
            ? c.update(bar.time, bar.high, bar.low, bar.close, bar[field]) : c.peek(bar.time, bar.high, bar.low, bar.close, bar[field]));
    }
});

export interface DonchianOptions {
    readonly period: number;
}
const DONCHIAN_DEFAULTS: DonchianOptions = { period: 20 };
export const donchian = defineIndicator<DonchianOptions, DonchianValue>({
    id: 'core.donchian', label: 'Donchian Channel', defaultOptions: DONCHIAN_DEFAULTS,
    outputs: [{ id: 'upper', kind: 'band' }, { id: 'middle', kind: 'line' }, { id: 'lower', kind: 'band' }],
    create: options => {
        const calculation = new DonchianCalculation(requireInteger('core.donchian', 'period', withDefaults('core.donchian', DONCHIAN_DEFAULTS, options).period));
        return new BarState(calculation, (c, bar, commit) => commit ? c.update(bar.high, bar.low) : c.peek(bar.high, bar.low));
    }
});

/** Every built-in indicator, for registries and the indicator picker. */
export const CORE_INDICATORS = [sma, ema, wma, rsi, atr, bollinger, macd, stochastic, adx, vwap, donchian] as const;
