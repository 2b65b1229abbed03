// *****************************************************************************
// A deterministic generator of realistic synthetic ticks, for the sample workspace wherever no
// real data is at hand: exchange sessions (equities 09:30-16:00 New York with thin pre/post
// market, forex Sunday 17:00 to Friday 17:00 New York), an intraday U-shaped arrival rate,
// GARCH(1,1) volatility clustering, a bid/ask spread that widens with volatility and in quiet
// hours, lot-sized trade sizes with odd lots and blocks, and occasional gaps (halts, outages).
// Same seed, same ticks.
// *****************************************************************************

import { TickColumns } from '../common/dataset-protocol';
import { MICROS_PER_DAY, TimeZone, daysFromCivil } from './time-zone';

/** Mulberry32: small, fast, good enough for simulation; deterministic across platforms. */
export class SeededRandom {
    constructor(protected state: number) { }
    next(): number {
        let t = (this.state = (this.state + 0x6d2b79f5) | 0);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    normal(): number {
        const u = Math.max(this.next(), 1e-12);
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
    }
    exponential(mean: number): number {
        return -Math.log(Math.max(this.next(), 1e-12)) * mean;
    }
}

export interface SyntheticOptions {
    /** First day (UTC date `YYYY-MM-DD`) and number of calendar days. */
    readonly start: string;
    readonly days: number;
    readonly seed: number;
    /** Mean ticks per second at the busiest time of day. */
    readonly peakRate: number;
    readonly startPrice: number;
    readonly tickSize: number;
}

class Garch {
    variance: number;
    constructor(readonly omega: number, readonly alpha: number, readonly beta: number) {
        this.variance = omega / (1 - alpha - beta);
    }
    step(random: SeededRandom): number {
        const r = Math.sqrt(this.variance) * random.normal();
        this.variance = this.omega + this.alpha * r * r + this.beta * this.variance;
        return r;
    }
}

function grow(columns: Float64Array[], count: number): Float64Array[] {
    return columns.map(c => {
        if (count < c.length) {
            return c;
        }
        const bigger = new Float64Array(c.length * 2);
        bigger.set(c);
        return bigger;
    });
}

/** Trade ticks of a US equity: prices in ticks of `tickSize`, sizes in shares. */
export function generateEquityTrades(o: SyntheticOptions): TickColumns {
    const random = new SeededRandom(o.seed);
    const zone = TimeZone.of('America/New_York');
    const garch = new Garch(2e-10, 0.05, 0.93);
    let [time, price, size]: Float64Array[] = [new Float64Array(1 << 16), new Float64Array(1 << 16), new Float64Array(1 << 16)];
    let n = 0;
    let logPrice = Math.log(o.startPrice);
    const [y, m, d] = o.start.split('-').map(Number);
    const first = daysFromCivil(y, m, d);
    for (let day = first; day < first + o.days; day++) {
        const weekday = ((day % 7) + 11) % 7;
        if (weekday === 0 || weekday === 6) {
            continue;
        }
        // Overnight move.
        logPrice += 0.004 * random.normal();
        const haltAt = random.next() < 0.3 ? 10 + random.next() * 5 : -1; // hours, local
        let local = day * MICROS_PER_DAY + 4 * 3_600_000_000;
        const end = day * MICROS_PER_DAY + 20 * 3_600_000_000;
        while (local < end) {
            const hour = (local - day * MICROS_PER_DAY) / 3_600_000_000;
            const regular = hour >= 9.5 && hour < 16;
            // U shape: busy at the open and the close, quiet at lunch; thin outside regular hours.
            const u = regular ? 0.35 + 0.65 * (((hour - 12.75) / 3.25) ** 2) : 0.02;
            const rate = o.peakRate * u;
            local += Math.max(1, Math.round(random.exponential(1_000_000 / rate)));
            if (haltAt > 0 && hour >= haltAt && hour < haltAt + 0.05) {
                local += 3 * 60_000_000; // a few minutes without trades
                continue;
            }
            logPrice += garch.step(random) * (regular ? 1 : 0.5);
            const ticks = Math.max(1, Math.round(Math.exp(logPrice) / o.tickSize));
            const r = random.next();
            const shares = r < 0.25 ? 1 + Math.floor(random.next() * 99) : r < 0.97 ? 100 * (1 + Math.floor(random.exponential(2))) : 100 * Math.round(50 + random.exponential(200));
            [time, price, size] = grow([time, price, size], n);
            time[n] = zone.toUtc(local);
            price[n] = ticks;
            size[n] = shares;
            n++;
        }
    }
    return { count: n, time: time.slice(0, n), price: price.slice(0, n), size: size.slice(0, n), flags: new Int32Array(n) };
}

/** Quote ticks of a currency pair: bid/ask in ticks of `tickSize`. */
export function generateForexQuotes(o: SyntheticOptions): TickColumns {
    const random = new SeededRandom(o.seed);
    const zone = TimeZone.of('America/New_York');
    const garch = new Garch(4e-11, 0.06, 0.92);
    let [time, bid, ask]: Float64Array[] = [new Float64Array(1 << 16), new Float64Array(1 << 16), new Float64Array(1 << 16)];
    let n = 0;
    let logMid = Math.log(o.startPrice);
    const [y, m, d] = o.start.split('-').map(Number);
    const first = daysFromCivil(y, m, d);
    let utc = first * MICROS_PER_DAY;
    const end = (first + o.days) * MICROS_PER_DAY;
    let offsetHour = NaN, offset = 0;
    while (utc < end) {
        const hourOfUtc = Math.floor(utc / 3_600_000_000);
        if (hourOfUtc !== offsetHour) {
            offsetHour = hourOfUtc;
            offset = zone.offsetAt(utc);
        }
        const local = utc + offset;
        const localDay = Math.floor(local / MICROS_PER_DAY);
        const hour = (local - localDay * MICROS_PER_DAY) / 3_600_000_000;
        const weekday = ((localDay % 7) + 11) % 7;
        const open = (weekday >= 1 && weekday <= 4) || (weekday === 0 && hour >= 17) || (weekday === 5 && hour < 17);
        if (!open) {
            utc += 15 * 60_000_000;
            continue;
        }
        // London and New York hours are busiest, the Asian evening quietest.
        const london = hour >= 3 && hour < 12;
        const newYork = hour >= 8 && hour < 17;
        const activity = 0.15 + (london ? 0.45 : 0) + (newYork ? 0.4 : 0);
        utc += Math.max(1000, Math.round(random.exponential(1_000_000 / (o.peakRate * activity))));
        if (random.next() < 2e-5) {
            utc += 60_000_000 * (1 + Math.floor(random.next() * 10)); // a feed outage
        }
        const r = garch.step(random);
        logMid += r;
        const mid = Math.exp(logMid) / o.tickSize;
        const halfSpread = Math.max(1, Math.round((activity > 0.5 ? 4 : 9) + 2e5 * Math.abs(r) + random.exponential(1)));
        [time, bid, ask] = grow([time, bid, ask], n);
        time[n] = utc;
        bid[n] = Math.round(mid) - halfSpread;
        ask[n] = Math.round(mid) + halfSpread;
        n++;
    }
    return { count: n, time: time.slice(0, n), bid: bid.slice(0, n), ask: ask.slice(0, n), flags: new Int32Array(n) };
}
