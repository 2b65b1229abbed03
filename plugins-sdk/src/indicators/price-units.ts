import { SmaCalculation } from '../sma-calculation';

/** Prices are compared and summed as integer counts of this unit (1e-8), the grid SmaCalculation uses. */
export const PRICE_SCALE = SmaCalculation.SCALE;

/**
 * `value` as an integer count of 1e-8 units, a safe integer (|value| < 2^53 / 1e8, about 90 million): the
 * differences, maxima and minima taken of such units are exact, and so are sums while they stay below 2^53
 * (true of the few dozen price moves the seeds of RSI/ATR/ADX add up). Throws a message naming `what` for
 * NaN, infinities and values too large for the grid.
 */
export function priceUnits(value: number, what: string): number {
    if (!Number.isFinite(value)) {
        throw new Error(`${what} must be a finite number, got ${value}.`);
    }
    const units = Math.round(value * PRICE_SCALE);
    if (!Number.isSafeInteger(units)) {
        throw new Error(`${what} ${value} is too large for exact 1e-8 arithmetic (limit ${Math.floor(Number.MAX_SAFE_INTEGER / PRICE_SCALE)}): rescale the series (e.g. quote in thousands).`);
    }
    return units;
}

/** Checks an indicator option that must be an integer >= `min`; the message names the indicator and the option. */
export function requireInteger(indicator: string, option: string, value: number, min = 1): number {
    if (!Number.isInteger(value) || value < min) {
        throw new Error(`${indicator}: option '${option}' must be an integer >= ${min}, got ${value}.`);
    }
    return value;
}
