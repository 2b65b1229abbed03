// *****************************************************************************
// Local wall-clock time -> UTC microseconds, for fixed offsets (`UTC-05:00`) and IANA zones
// (`America/New_York`, daylight saving from Node's ICU). Offsets are cached per local day, so
// the hot path is one Map lookup; only the two DST-change days a year take the slow path.
// Ambiguous local times (the repeated hour in autumn) resolve to the earlier instant;
// non-existent ones (the skipped hour in spring) to the later offset, as java.time does.
// *****************************************************************************

import { IcuZoneOffsets } from '@backtestr/engine-core/lib/common';

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400_000_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
    y -= m <= 2 ? 1 : 0;
    const era = Math.floor(y / 400);
    const yoe = y - era * 400;
    const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
}

/** Whether y-m-d is a day of the proleptic Gregorian calendar (no 2013-02-31, no month 13). */
export function isCivilDate(y: number, m: number, d: number): boolean {
    if (!(m >= 1 && m <= 12 && d >= 1)) {
        return false;
    }
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    return d <= (m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

/**
 * The times BackTestr stores: from 1700-01-01 (inclusive) to 2200-01-01 (exclusive), UTC. Microseconds since 1970 in
 * that range are integers well below 2^53, so every stage (typed-array columns of doubles, int64 in DuckDB, the engine)
 * holds them exactly; a time outside it is refused, never stored a few microseconds off.
 */
export const MIN_TIME_US = daysFromCivil(1700, 1, 1) * MICROS_PER_DAY;
export const MAX_TIME_US = daysFromCivil(2200, 1, 1) * MICROS_PER_DAY;
export const TIME_RANGE_TEXT = 'outside 1700-01-01 to 2199-12-31 (UTC), the times BackTestr stores';

/** Whether a time (UTC micros) is a whole microsecond in [MIN_TIME_US, MAX_TIME_US). */
export function isStorableTime(us: number): boolean {
    return us >= MIN_TIME_US && us < MAX_TIME_US && Number.isInteger(us);
}

/** Why a time is not storable (for a quarantine reason), or '' when it is. */
export function timeRangeError(us: number): string {
    if (isStorableTime(us)) {
        return '';
    }
    if (us !== us) {
        return 'not a number';
    }
    if (us >= MIN_TIME_US && us < MAX_TIME_US) {
        return `${us} is not a whole number of microseconds`;
    }
    // Date holds +-8.64e15 ms; beyond it, the number itself.
    return `${Math.abs(us) < 8.64e18 ? isoFromMicros(Math.floor(us)) : String(us)} is ${TIME_RANGE_TEXT}`;
}

/** `YYYY-MM-DD` of a day number. */
export function civilFromDays(days: number): string {
    return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

export function isoFromMicros(us: number): string {
    const ms = Math.floor(us / 1000);
    const rest = us - ms * 1000;
    const iso = new Date(ms).toISOString();
    return rest === 0 ? iso : iso.replace('Z', String(rest).padStart(3, '0') + 'Z');
}

export abstract class TimeZone {
    abstract readonly name: string;
    /** UTC microseconds of a local wall-clock time given as microseconds since the local epoch. */
    abstract toUtc(localMicros: number): number;
    /** Offset (local - UTC) in microseconds at a UTC instant. */
    abstract offsetAt(utcMicros: number): number;

    static of(name: string): TimeZone {
        const fixed = parseFixedOffset(name);
        if (fixed !== undefined) {
            return new FixedOffsetZone(name, fixed);
        }
        let cached = zoneCache.get(name);
        if (!cached) {
            cached = new IanaZone(name);
            zoneCache.set(name, cached);
        }
        return cached;
    }
}

const zoneCache = new Map<string, TimeZone>();

/** `UTC`, `Z`, `GMT`, `UTC-05:00`, `UTC+5`, `+02:00`, `-0500`, `EST` (fixed UTC-5, no DST) -> offset in microseconds. */
export function parseFixedOffset(name: string): number | undefined {
    const n = name.trim().toUpperCase();
    if (n === 'UTC' || n === 'Z' || n === 'GMT' || n === 'ETC/UTC' || n === 'ETC/GMT') {
        return 0;
    }
    if (n === 'EST') {
        return -5 * 3600 * MICROS_PER_SECOND;
    }
    const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(n);
    if (!m) {
        return undefined;
    }
    const sign = m[1] === '-' ? -1 : 1;
    return sign * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60) * MICROS_PER_SECOND;
}

class FixedOffsetZone extends TimeZone {
    constructor(readonly name: string, protected readonly offset: number) {
        super();
    }
    toUtc(localMicros: number): number {
        return localMicros - this.offset;
    }
    offsetAt(): number {
        return this.offset;
    }
}

class IanaZone extends TimeZone {
    /** ICU's offsets, read the same way as the engine's session tables read them. */
    protected readonly offsets: IcuZoneOffsets;
    /** local day number -> constant offset that day, or NaN when the offset changes during the day. */
    protected readonly dayOffsets = new Map<number, number>();

    constructor(readonly name: string) {
        super();
        try {
            this.offsets = new IcuZoneOffsets(name);
        } catch {
            throw new Error(`Unknown time zone '${name}': use an IANA name such as America/New_York, UTC, or a fixed offset such as UTC-05:00`);
        }
    }

    offsetAt(utcMicros: number): number {
        return this.offsets.offsetSecondsAt(Math.floor(utcMicros / MICROS_PER_SECOND)) * MICROS_PER_SECOND;
    }

    protected lastDay = NaN;
    protected lastOffset = NaN;

    toUtc(localMicros: number): number {
        const day = Math.floor(localMicros / MICROS_PER_DAY);
        if (day === this.lastDay) {
            return localMicros - this.lastOffset;
        }
        let offset = this.dayOffsets.get(day);
        if (offset === undefined) {
            const start = day * MICROS_PER_DAY;
            const atStart = this.exactToUtc(start) - start;
            const atEnd = this.exactToUtc(start + MICROS_PER_DAY - 1) - (start + MICROS_PER_DAY - 1);
            offset = atStart === atEnd ? -atStart : NaN;
            this.dayOffsets.set(day, offset);
        }
        if (offset === offset) {
            this.lastDay = day;
            this.lastOffset = offset;
        }
        return offset === offset ? localMicros - offset : this.exactToUtc(localMicros);
    }

    protected exactToUtc(localMicros: number): number {
        // Earliest instant whose local time is localMicros: try the offsets in force 1 day either side.
        const before = this.offsetAt(localMicros - MICROS_PER_DAY);
        const after = this.offsetAt(localMicros + MICROS_PER_DAY);
        const candidates = before === after ? [before] : [before, after];
        let best: number | undefined;
        for (const off of candidates) {
            const utc = localMicros - off;
            if (this.offsetAt(utc) === off && (best === undefined || utc < best)) {
                best = utc;
            }
        }
        // In the skipped hour no candidate matches: use the offset from before the change.
        return best ?? localMicros - before;
    }
}
