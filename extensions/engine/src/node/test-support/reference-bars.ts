import { parseTimeframe as parseSdkTimeframe } from '@backtestr/plugins-sdk';
import { newYorkOffsetMs } from './lean-data';

/**
 * A deliberately plain bar aggregator for tests: no folding, no native code; sessions in
 * America/New_York come from the ICU time-zone data (Intl), not from the engine's rules.
 */

export interface RefBar {
    open: number; high: number; low: number; close: number; volume: number; ticks: number;
    start: bigint; end: bigint; lastTick: bigint;
}

const DAY_MS = 86_400_000;
const offsetCache = new Map<number, number>();

function zoneOffsetMs(zone: string, utcMs: number): number {
    if (zone === 'UTC') {
        return 0;
    }
    const m = /^UTC([+-])(\d{2}):(\d{2})$/.exec(zone);
    if (m) {
        return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600_000 + Number(m[3]) * 60_000);
    }
    const hour = Math.floor(utcMs / 3600_000); // New York changes offset on whole UTC hours
    let off = offsetCache.get(hour);
    if (off === undefined) {
        off = newYorkOffsetMs(hour * 3600_000);
        offsetCache.set(hour, off);
    }
    return off;
}

export class ReferenceSessions {
    protected readonly localStartMs: number;
    protected readonly zone: string;

    constructor(spec = '00:00 UTC') {
        const [hm, zone] = spec.split(' ');
        const [h, m] = hm.split(':').map(Number);
        this.localStartMs = (h * 60 + m) * 60_000;
        this.zone = zone;
    }

    /** UTC ms of the session that starts on local date `day` (days since 1970-01-01). */
    start(day: number): number {
        const local = day * DAY_MS + this.localStartMs;
        let utc = local - zoneOffsetMs(this.zone, local + 5 * 3600_000);
        utc = local - zoneOffsetMs(this.zone, utc);
        return utc;
    }

    dayOf(utcMs: number): number {
        let d = Math.floor((utcMs + zoneOffsetMs(this.zone, utcMs) - this.localStartMs) / DAY_MS);
        while (this.start(d) > utcMs) {
            d--;
        }
        while (this.start(d + 1) <= utcMs) {
            d++;
        }
        return d;
    }
}

/** Length of a timeframe label in micros, and its number of days (0 for intraday): the SDK's grammar, in bigint micros. */
export function parseTimeframe(label: string): { micros: bigint; days: number } {
    const { micros, days } = parseSdkTimeframe(label);
    return { micros: BigInt(micros), days };
}

/** Incremental reference bars of one timeframe. */
export class ReferenceBars {
    readonly bars: RefBar[] = [];
    protected readonly micros: bigint;
    protected readonly days: number;

    constructor(label: string, protected readonly sessions: ReferenceSessions, protected readonly openAtPreviousClose = false) {
        ({ micros: this.micros, days: this.days } = parseTimeframe(label));
    }

    period(t: bigint): [bigint, bigint] {
        const ms = Number(t / 1000n) - (t % 1000n < 0n ? 1 : 0);
        const d = this.sessions.dayOf(ms);
        const us = (x: number): bigint => BigInt(x) * 1000n;
        if (this.days > 0) {
            const g = Math.floor(d / this.days) * this.days;
            return [us(this.sessions.start(g)), us(this.sessions.start(g + this.days))];
        }
        const s = us(this.sessions.start(d));
        const e = us(this.sessions.start(d + 1));
        const start = s + (t - s) / this.micros * this.micros;
        const end = start + this.micros < e ? start + this.micros : e;
        return [start, end];
    }

    add(t: bigint, price: number, size: number): void {
        const last = this.bars[this.bars.length - 1];
        if (last && t < last.end) {
            last.high = Math.max(last.high, price);
            last.low = Math.min(last.low, price);
            last.close = price;
            last.volume += size;
            last.ticks++;
            last.lastTick = t;
            return;
        }
        const [start, end] = this.period(t);
        const open = this.openAtPreviousClose && last ? last.close : price;
        this.bars.push({
            open, high: Math.max(open, price), low: Math.min(open, price), close: price,
            volume: size, ticks: 1, start, end, lastTick: t,
        });
    }
}
