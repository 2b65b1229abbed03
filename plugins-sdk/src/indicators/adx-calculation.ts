import { priceUnits } from './price-units';
import { requireOrderedBar, trueRangeUnits } from './true-range';

export interface AdxValue {
    readonly adx: number;
    readonly plusDi: number;
    readonly minusDi: number;
}

/** The directional movement of the last bar folded in: +DI/-DI exist from the (period+1)-th bar on. */
export interface DirectionalValue {
    readonly plusDi: number;
    readonly minusDi: number;
    /** 100 * |+DI - -DI| / (+DI + -DI); 0 when there was no directional movement at all. */
    readonly dx: number;
}

/**
 * Wilder's Average Directional Index with +DI/-DI, step for step as TA-Lib's ADX/PLUS_DI/MINUS_DI/DX:
 *  - one-bar +DM/-DM: up = high - prevHigh, down = prevLow - low; -DM = down if down > 0 and up < down,
 *    else +DM = up if up > 0 and up > down, else both 0 (an exact tie gives no movement);
 *  - the smoothed +DM/-DM/TR start as the sums of the first period-1 one-bar values (bars 2..period; the
 *    first bar has none) and then follow s = s - s/period + x, from bar period+1 on, where +DI and -DI
 *    = 100 * DM/TR first exist;
 *  - ADX starts as the mean of the first `period` DX values (bar 2*period) and then follows
 *    adx = (adx * (period - 1) + dx) / period.
 * When the smoothed TR is 0 both DI are 0; when there is no directional movement DX is undefined and the
 * ADX keeps its value (TA-Lib's rule).
 *
 * Deterministic: the one-bar movements and true ranges are exact integers of 1e-8 units, so ties between
 * the up and down moves are decided exactly (a float `high - prevHigh` may round two equal moves apart);
 * the smoothing then runs in TA-Lib's fixed order of double operations.
 * Differs from TA-Lib: TA-Lib tests |x| < 1e-14 for zero, we test for exact zero.
 */
export class AdxCalculation {

    protected bars = 0;
    protected prevHigh = 0;
    protected prevLow = 0;
    protected prevClose = 0;
    protected plusDm = 0;
    protected minusDm = 0;
    protected range = 0;
    protected dxSum = 0;
    protected adx = 0;
    protected last: DirectionalValue | undefined;
    /** Scratch results of `advance`, committed by `update` only. */
    protected n = { plusDm: 0, minusDm: 0, range: 0, dxSum: 0, adx: 0, directional: undefined as DirectionalValue | undefined };

    constructor(readonly period: number) {
        if (!Number.isInteger(period) || period < 1) {
            throw new Error(`ADX period must be a positive integer, got ${period}.`);
        }
    }

    /** +DI, -DI and DX after the last update (`undefined` before the (period+1)-th bar). */
    get directional(): DirectionalValue | undefined {
        return this.last;
    }

    update(high: number, low: number, close: number): AdxValue | undefined {
        const h = priceUnits(high, 'ADX high');
        const l = priceUnits(low, 'ADX low');
        const c = priceUnits(close, 'ADX close');
        const value = this.advance(h, l);
        const n = this.n;
        this.plusDm = n.plusDm;
        this.minusDm = n.minusDm;
        this.range = n.range;
        this.dxSum = n.dxSum;
        this.adx = n.adx;
        this.last = n.directional;
        this.prevHigh = h;
        this.prevLow = l;
        this.prevClose = c;
        this.bars++;
        return value;
    }

    peek(high: number, low: number, close: number): AdxValue | undefined {
        priceUnits(close, 'ADX close');
        return this.advance(priceUnits(high, 'ADX high'), priceUnits(low, 'ADX low'));
    }

    protected advance(h: number, l: number): AdxValue | undefined {
        requireOrderedBar('ADX', h, l);
        const n = this.n;
        const p = this.period;
        const step = this.bars;
        n.plusDm = this.plusDm;
        n.minusDm = this.minusDm;
        n.range = this.range;
        n.dxSum = this.dxSum;
        n.adx = this.adx;
        n.directional = this.last;
        if (step === 0) {
            return undefined;
        }
        const up = h - this.prevHigh;
        const down = this.prevLow - l;
        const minus = down > 0 && up < down ? down : 0;
        const plus = minus === 0 && up > 0 && up > down ? up : 0;
        const tr = trueRangeUnits(h, l, this.prevClose);
        if (step < p) {
            n.plusDm += plus;
            n.minusDm += minus;
            n.range += tr;
            return undefined;
        }
        n.plusDm = n.plusDm - n.plusDm / p + plus;
        n.minusDm = n.minusDm - n.minusDm / p + minus;
        n.range = n.range - n.range / p + tr;
        let dx: number | undefined;
        let plusDi = 0;
        let minusDi = 0;
        if (n.range !== 0) {
            minusDi = 100 * (n.minusDm / n.range);
            plusDi = 100 * (n.plusDm / n.range);
            const sum = minusDi + plusDi;
            if (sum !== 0) {
                dx = 100 * (Math.abs(minusDi - plusDi) / sum);
            }
        }
        n.directional = { plusDi, minusDi, dx: dx ?? 0 };
        if (step < 2 * p - 1) {
            n.dxSum += dx ?? 0;
            return undefined;
        }
        if (step === 2 * p - 1) {
            n.dxSum += dx ?? 0;
            n.adx = n.dxSum / p;
        } else if (dx !== undefined) {
            n.adx = (n.adx * (p - 1) + dx) / p;
        }
        return { adx: n.adx, plusDi, minusDi };
    }
}
