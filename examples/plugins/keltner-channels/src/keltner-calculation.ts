// Keltner Channels (Linda Raschke's variant): middle = EMA(typical price, period),
// bands = middle ± multiplier · ATR(atrPeriod), ATR being Wilder's average of the true range.
// Pure maths, O(1) per bar, no SDK types: the indicator definition in index.ts adapts it.

export interface KeltnerOptions {
    /** EMA period of the typical price (high + low + close) / 3. */
    readonly period: number;
    /** Wilder ATR period. */
    readonly atrPeriod: number;
    /** Band width in ATRs. */
    readonly multiplier: number;
}

export interface KeltnerValue {
    readonly upper: number;
    readonly middle: number;
    readonly lower: number;
}

export interface OhlcBar {
    readonly high: number;
    readonly low: number;
    readonly close: number;
}

/**
 * Exponential moving average seeded with the simple average of its first `period` inputs
 * (the convention of most charting packages); `undefined` until then.
 */
export class Ema {
    protected readonly alpha: number;
    protected count = 0;
    protected sum = 0;
    protected value: number | undefined;

    constructor(protected readonly period: number) {
        this.alpha = 2 / (period + 1);
    }

    update(x: number): number | undefined {
        if (this.value !== undefined) {
            this.value += this.alpha * (x - this.value);
        } else {
            this.sum += x;
            this.count++;
            if (this.count === this.period) {
                this.value = this.sum / this.period;
            }
        }
        return this.value;
    }
}

/** Wilder's average true range: seeded with the simple average of the first `period` true ranges, then (prev·(n-1) + tr) / n. */
export class Atr {
    protected previousClose: number | undefined;
    protected count = 0;
    protected sum = 0;
    protected value: number | undefined;

    constructor(protected readonly period: number) { }

    update(bar: OhlcBar): number | undefined {
        const tr = this.previousClose === undefined ? bar.high - bar.low
            : Math.max(bar.high - bar.low, Math.abs(bar.high - this.previousClose), Math.abs(bar.low - this.previousClose));
        this.previousClose = bar.close;
        if (this.value !== undefined) {
            this.value = (this.value * (this.period - 1) + tr) / this.period;
        } else {
            this.sum += tr;
            this.count++;
            if (this.count === this.period) {
                this.value = this.sum / this.period;
            }
        }
        return this.value;
    }
}

export class KeltnerCalculation {
    protected readonly ema: Ema;
    protected readonly atr: Atr;

    constructor(protected readonly options: KeltnerOptions) {
        for (const key of ['period', 'atrPeriod'] as const) {
            if (!Number.isInteger(options[key]) || options[key] < 1) {
                throw new Error(`Keltner Channels: option '${key}' must be a positive integer, got ${options[key]}.`);
            }
        }
        if (!(options.multiplier > 0)) {
            throw new Error(`Keltner Channels: option 'multiplier' must be positive, got ${options.multiplier}.`);
        }
        this.ema = new Ema(options.period);
        this.atr = new Atr(options.atrPeriod);
    }

    update(bar: OhlcBar): KeltnerValue | undefined {
        const middle = this.ema.update((bar.high + bar.low + bar.close) / 3);
        const atr = this.atr.update(bar);
        if (middle === undefined || atr === undefined) {
            return undefined;
        }
        return { upper: middle + this.options.multiplier * atr, middle, lower: middle - this.options.multiplier * atr };
    }
}
