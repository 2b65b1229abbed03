// *****************************************************************************
// Prices are stored as integer multiples of the instrument's tick size; strategies and charts
// see decimal prices. One conversion for everybody: `ticks * mantissa / divisor`, which gives
// the double nearest to the decimal price (1.10234 prints as 1.10234, never 1.1023399999).
// *****************************************************************************

const TWO_32 = 4294967296;

export interface PriceScale {
    readonly mantissa: number;
    readonly divisor: number;
}

/** Tick size as mantissa / 10^exponent, so a tick count converts to the nearest double of its decimal price. */
export function tickScale(tickSize: number): PriceScale {
    let exponent = 0;
    while (exponent < 15 && Math.abs(Math.round(tickSize * 10 ** exponent) - tickSize * 10 ** exponent) > 1e-9 * 10 ** exponent) {
        exponent++;
    }
    return { mantissa: Math.round(tickSize * 10 ** exponent), divisor: 10 ** exponent };
}

/** Tick counts to decimal prices, into a new array. */
export function ticksToPrices(ticks: Float64Array, scale: PriceScale): Float64Array {
    return ticksToPricesInPlace(new Float64Array(ticks), scale);
}

/** Tick counts to decimal prices in place (the array is the caller's own). */
export function ticksToPricesInPlace(ticks: Float64Array, scale: PriceScale): Float64Array {
    const { mantissa, divisor } = scale;
    for (let i = 0; i < ticks.length; i++) {
        ticks[i] = ticks[i] * mantissa / divisor;
    }
    return ticks;
}

/** Float64 microseconds (exact integers below 2^53) to int64, through 32-bit halves: no BigInt per tick. */
export function toInt64Micros(time: Float64Array): BigInt64Array {
    const out = new BigInt64Array(time.length);
    const words = new Uint32Array(out.buffer);
    for (let i = 0; i < time.length; i++) {
        const t = time[i];
        const hi = Math.floor(t / TWO_32);
        words[2 * i] = t - hi * TWO_32;
        words[2 * i + 1] = hi;
    }
    return out;
}
