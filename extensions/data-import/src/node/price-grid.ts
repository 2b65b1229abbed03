// *****************************************************************************
// Exact decimal -> integer tick conversion, straight from the bytes of a field. A price is
// stored as price / tickSize, which must be a whole number: a price off the grid is rejected,
// never rounded (no silent coercion). Integer arithmetic on doubles, exact below 2^53: a tick count
// beyond 2^53 - 1 (what int64 columns, typed arrays of doubles and the engine all hold exactly) is
// refused as 'out of range', whichever path the value comes by (text, exponent notation, a number).
// *****************************************************************************

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) {
    POW10.push(10 ** i);
}

/** `tickSize` as mantissa x 10^-exponent, e.g. 0.25 -> 25, 2; 0.00001 -> 1, 5; 5 -> 5, 0. */
export function decimalParts(value: number): { mantissa: number; exponent: number } {
    if (!(value > 0) || !isFinite(value)) {
        throw new Error(`Not a positive number: ${value}`);
    }
    let exponent = 0;
    let mantissa = value;
    while ((Math.round(mantissa) === 0 || Math.abs(mantissa - Math.round(mantissa)) > 1e-9 * Math.max(1, mantissa)) && exponent < 18) {
        exponent++;
        mantissa = value * POW10[exponent];
    }
    return { mantissa: Math.round(mantissa), exponent };
}

export class PriceGrid {
    readonly tickMantissa: number;
    readonly tickExponent: number;
    /** Why the last `parse` returned NaN. */
    error = '';

    /**
     * @param tickSize grid step (instrument tick size, or lot size for sizes)
     * @param scale implied decimals of the text: 4 when fields hold price x 10000
     */
    constructor(readonly tickSize: number, readonly scale = 0) {
        const parts = decimalParts(tickSize);
        this.tickMantissa = parts.mantissa;
        this.tickExponent = parts.exponent;
    }

    /** Ticks of the decimal in bytes [start, end), or NaN with `error` set. */
    parse(buf: Uint8Array, start: number, end: number): number {
        let i = start;
        while (i < end && buf[i] === 32) {
            i++;
        }
        while (end > i && buf[end - 1] === 32) {
            end--;
        }
        let negative = false;
        if (i < end && (buf[i] === 45 || buf[i] === 43)) {
            negative = buf[i] === 45;
            i++;
        }
        let mantissa = 0;
        let decimals = 0;
        let digits = 0;
        let seenPoint = false;
        for (; i < end; i++) {
            const c = buf[i] - 48;
            if (c >= 0 && c <= 9) {
                mantissa = mantissa * 10 + c;
                digits++;
                if (seenPoint) {
                    decimals++;
                }
            } else if (buf[i] === 46 && !seenPoint) {
                seenPoint = true;
            } else if ((buf[i] === 101 || buf[i] === 69) && digits > 0) {
                return this.withExponent(negative, mantissa, digits, decimals, buf, i + 1, end);
            } else {
                this.error = 'not a number';
                return NaN;
            }
        }
        if (digits === 0) {
            this.error = start === end ? 'empty field' : 'not a number';
            return NaN;
        }
        if (mantissa > 9007199254740991) {
            this.error = 'too many digits';
            return NaN;
        }
        return this.toTicks(negative ? -mantissa : mantissa, decimals + this.scale);
    }

    /** Ticks of mantissa x 10^-decimals. */
    toTicks(mantissa: number, decimals: number): number {
        if (mantissa === 0) {
            return 0;
        }
        let value: number;
        const shift = this.tickExponent - decimals;
        if (shift >= 0) {
            // 10^23 and up: beyond 2^53 whatever the mantissa (undefined -> NaN -> out of range below).
            value = mantissa * POW10[shift];
        } else {
            const p = POW10[-shift];
            if (p === undefined || mantissa % p !== 0) {
                this.error = `not a multiple of ${this.tickSize}`;
                return NaN;
            }
            value = mantissa / p;
        }
        if (!Number.isSafeInteger(value)) {
            this.error = 'out of range';
            return NaN;
        }
        if (this.tickMantissa !== 1) {
            if (value % this.tickMantissa !== 0) {
                this.error = `not a multiple of ${this.tickSize}`;
                return NaN;
            }
            value /= this.tickMantissa;
        }
        if (!Number.isSafeInteger(value)) {
            this.error = 'out of range';
            return NaN;
        }
        return value;
    }

    /** Ticks of a JS number (FIX and binary input); exact when the number is the nearest double of a grid price. */
    fromNumber(value: number): number {
        if (value !== value) {
            this.error = 'not a number';
            return NaN;
        }
        const ticks = value / this.tickSize;
        const rounded = Math.round(ticks);
        if (!Number.isSafeInteger(rounded)) {
            this.error = 'out of range';
            return NaN;
        }
        if (Math.abs(ticks - rounded) > 1e-6) {
            this.error = `not a multiple of ${this.tickSize}`;
            return NaN;
        }
        return rounded;
    }

    /** Decimal text of a tick count, exact (for CSV export and previews). */
    format(ticks: number): string {
        const units = ticks * this.tickMantissa;
        const exp = this.tickExponent;
        if (exp === 0) {
            return String(units);
        }
        const negative = units < 0;
        const s = String(Math.abs(units)).padStart(exp + 1, '0');
        return (negative ? '-' : '') + s.slice(0, s.length - exp) + '.' + s.slice(s.length - exp);
    }

    /**
     * Ticks of `mantissa` (its `digits` digits, `decimals` of them after the point) x 10^exponent, the exponent's
     * optionally signed digits in [i, end): exact, by the digits (a double would round 1.00000000000001e0 onto the grid).
     */
    protected withExponent(negative: boolean, mantissa: number, digits: number, decimals: number, buf: Uint8Array, i: number, end: number): number {
        let expNegative = false;
        if (i < end && (buf[i] === 45 || buf[i] === 43)) {
            expNegative = buf[i] === 45;
            i++;
        }
        if (i === end) {
            this.error = 'not a number';
            return NaN;
        }
        let exponent = 0;
        for (; i < end; i++) {
            const c = buf[i] - 48;
            if (c < 0 || c > 9) {
                this.error = 'not a number';
                return NaN;
            }
            // Beyond 10^6 the answer no longer changes (0, off the grid or out of range); keep the number small.
            exponent = Math.min(exponent * 10 + c, 1_000_000);
        }
        if (mantissa > 9007199254740991) {
            this.error = digits > 0 ? 'too many digits' : 'not a number';
            return NaN;
        }
        return this.toTicks(negative ? -mantissa : mantissa, decimals + this.scale + (expNegative ? exponent : -exponent));
    }
}

/** n digits at buf[i..i+n) as a number, or -1 when any is not a digit. */
export function digitsAt(buf: Uint8Array, i: number, n: number): number {
    let v = 0;
    for (let k = 0; k < n; k++) {
        const c = buf[i + k] - 48;
        if (!(c >= 0 && c <= 9)) {
            return -1;
        }
        v = v * 10 + c;
    }
    return v;
}
