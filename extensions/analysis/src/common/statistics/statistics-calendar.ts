// *****************************************************************************
// UTC calendar helpers on UnixMicros (no Date in the per-sample path).
// *****************************************************************************

import { MICROS_PER_DAY, MICROS_PER_HOUR, UnixMicros } from './statistics-types';

/**
 * Index of the trading day that contains `time`: day D (days since 1970-01-01) covers
 * [D 00:00 UTC + offset, D+1 00:00 UTC + offset). Exact for integer microseconds.
 */
export function tradingDayIndex(time: UnixMicros, dayBoundaryOffset: UnixMicros): number {
    const t = time - dayBoundaryOffset;
    let day = Math.floor(t / MICROS_PER_DAY);
    if (day * MICROS_PER_DAY > t) {
        day--;
    } else if ((day + 1) * MICROS_PER_DAY <= t) {
        day++;
    }
    return day;
}

/** UTC hour of day, 0-23. */
export function utcHour(time: UnixMicros): number {
    const inDay = ((time % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY;
    return Math.floor(inDay / MICROS_PER_HOUR);
}

/** Weekday of a day index, 0 = Sunday .. 6 = Saturday (day 0, 1970-01-01, was a Thursday). */
export function weekdayOfDay(day: number): number {
    return (((day + 4) % 7) + 7) % 7;
}

/**
 * Months since year 0 of a day index: year * 12 + month (month 0 = January).
 * Integer civil-from-days conversion of the proleptic Gregorian calendar (H. Hinnant), no Date.
 */
export function monthIndexOfDay(day: number): number {
    const z = day + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const month = mp < 10 ? mp + 2 : mp - 10;
    const year = yoe + era * 400 + (month <= 1 ? 1 : 0);
    return year * 12 + month;
}
