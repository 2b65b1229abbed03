import { ExactWindow } from './exact-window';

/**
 * Linearly weighted moving average: weights 1 (oldest) .. period (newest), divided by period*(period+1)/2
 * (TA-Lib's WMA). O(1) per update: numerator' = numerator - sum(window) + period * x_new.
 *
 * Deterministic: the numerator and the window sum are exact integers of 1e-8 units (the window is the
 * SDK's exact SMA window), so the value is a pure function of the last `period` inputs, whatever came
 * before, and equal windows give bit-equal values.
 */
export class WmaCalculation {

    protected readonly window: ExactWindow;
    protected numerator = 0n;
    protected readonly divisor: number;

    constructor(readonly period: number) {
        this.window = new ExactWindow(period);
        this.divisor = period * (period + 1) / 2;
    }

    update(x: number): number | undefined {
        const next = this.nextNumerator(x);
        this.window.update(x);
        this.numerator = next;
        return this.window.isFull ? this.valueOf(next) : undefined;
    }

    peek(x: number): number | undefined {
        return this.window.count + 1 < this.period ? undefined : this.valueOf(this.nextNumerator(x));
    }

    protected nextNumerator(x: number): bigint {
        const units = ExactWindow.units(x, 'WMA input');
        if (this.window.isFull) {
            return this.numerator - this.window.exactSum + BigInt(this.period) * units;
        }
        return this.numerator + BigInt(this.window.count + 1) * units;
    }

    protected valueOf(numerator: bigint): number {
        return ExactWindow.mean(numerator, this.divisor);
    }
}
