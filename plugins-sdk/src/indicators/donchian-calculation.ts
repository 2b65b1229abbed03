import { RollingExtreme } from './rolling-extreme';

export interface DonchianValue {
    /** Highest high of the last `period` bars, the current one included. */
    readonly upper: number;
    /** (upper + lower) / 2. */
    readonly middle: number;
    /** Lowest low of the last `period` bars, the current one included. */
    readonly lower: number;
}

/**
 * Donchian channel: highest high and lowest low of the last `period` bars (TA-Lib's MAX(high)/MIN(low);
 * TradingView's `ta.donchian`), the current bar included; for a breakout rule compare the close with the
 * previous bar's channel. Exact (comparisons only) and amortised O(1) per update.
 */
export class DonchianCalculation {

    protected readonly highest: RollingExtreme;
    protected readonly lowest: RollingExtreme;

    constructor(readonly period: number) {
        this.highest = new RollingExtreme(period, 'max');
        this.lowest = new RollingExtreme(period, 'min');
    }

    update(high: number, low: number): DonchianValue | undefined {
        this.check(high, low);
        return channel(this.highest.update(high), this.lowest.update(low));
    }

    peek(high: number, low: number): DonchianValue | undefined {
        this.check(high, low);
        return channel(this.highest.peek(high), this.lowest.peek(low));
    }

    protected check(high: number, low: number): void {
        if (!Number.isFinite(high) || !Number.isFinite(low) || high < low) {
            throw new Error(`Donchian needs finite bars with high >= low, got high ${high}, low ${low}.`);
        }
    }
}

function channel(upper: number | undefined, lower: number | undefined): DonchianValue | undefined {
    return upper === undefined || lower === undefined ? undefined : { upper, middle: (upper + lower) / 2, lower };
}
