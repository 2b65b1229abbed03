import type { Timeframe } from './types';

/**
 * The timeframe grammar, the one parser of it in TypeScript (the native engine's
 * `Timeframe::parse` in native/src/timeframe.rs is the same grammar, and a spec of
 * @backtestr/engine checks that the two agree): `<n><unit>`, n a whole number >= 1 written in
 * digits, unit `s` (seconds), `m` (minutes), `H` or `h` (hours), `D` or `d` (sessions); at most
 * 100 years long; surrounding white space is ignored. Labels are normalised: `4h` -> `4H`,
 * `1d` -> `1D`, `05m` -> `5m`.
 */

export type TimeframeUnit = 's' | 'm' | 'H' | 'D';

export interface ParsedTimeframe {
    /** The normalised label (`4H`, `1D`). */
    readonly label: Timeframe;
    /** The number before the unit. */
    readonly count: number;
    readonly unit: TimeframeUnit;
    /** Length in microseconds (for day timeframes the nominal length, days * 24 h). */
    readonly micros: number;
    /** Sessions per bar for day timeframes, 0 for intraday ones. */
    readonly days: number;
}

const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;
const UNITS: Readonly<Record<string, { readonly unit: TimeframeUnit; readonly micros: number }>> = {
    s: { unit: 's', micros: MICROS_PER_SECOND },
    m: { unit: 'm', micros: 60 * MICROS_PER_SECOND },
    h: { unit: 'H', micros: 3_600 * MICROS_PER_SECOND },
    H: { unit: 'H', micros: 3_600 * MICROS_PER_SECOND },
    d: { unit: 'D', micros: MICROS_PER_DAY },
    D: { unit: 'D', micros: MICROS_PER_DAY }
};
const MAX_MICROS = 366 * MICROS_PER_DAY * 100;
/** The engine reads the number as a signed 64-bit integer. */
const I64_MAX = 9_223_372_036_854_775_807n;
const HINT = 'use a whole number followed by s, m, H or D (e.g. 30s, 5m, 4H, 1D)';

/** Parses a timeframe label; throws `unknown timeframe "<text>": <what to write instead>` otherwise. */
export function parseTimeframe(text: string): ParsedTimeframe {
    // the unit is one ASCII character, as the engine reads it (one byte)
    const match = /^(\d+)(\D)$/.exec(text.trim());
    if (!match || match[2].charCodeAt(0) > 0x7f) {
        throw new Error(`unknown timeframe "${text}": ${HINT}`);
    }
    if (BigInt(match[1]) > I64_MAX) {
        throw new Error(`unknown timeframe "${text}": the number is too large`);
    }
    const count = Number(match[1]);
    if (count < 1) {
        throw new Error(`unknown timeframe "${text}": the length must be at least 1`);
    }
    if (match[2] === 'M') {
        throw new Error(`unknown timeframe "${text}": months are not supported (m is minutes); ${HINT}`);
    }
    const unit = Object.prototype.hasOwnProperty.call(UNITS, match[2]) ? UNITS[match[2]] : undefined;
    if (!unit) {
        throw new Error(`unknown timeframe "${text}": ${HINT}`);
    }
    const micros = count * unit.micros;
    if (!(micros <= MAX_MICROS)) {
        throw new Error(`unknown timeframe "${text}": longer than 100 years`);
    }
    return { label: `${count}${unit.unit}`, count, unit: unit.unit, micros, days: unit.unit === 'D' ? count : 0 };
}

/** Length of a timeframe in microseconds (day timeframes: days * 24 h); throws like `parseTimeframe`. */
export function timeframeMicros(timeframe: string): number {
    return parseTimeframe(timeframe).micros;
}

/** Whether `text` is a timeframe label `parseTimeframe` accepts. */
export function isTimeframe(text: string): boolean {
    try {
        parseTimeframe(text);
        return true;
    } catch {
        return false;
    }
}
