import { UnixMicros } from '../types';
import { ExactWindow } from './exact-window';
import { PRICE_SCALE } from './price-units';

const MICROS_PER_MINUTE = 60_000_000;
const MICROS_PER_DAY = 24 * 60 * MICROS_PER_MINUTE;

/**
 * Session-anchored volume-weighted average price: sum(typical price * weight) / sum(weight) over the bars
 * of the current session, typical price = (high + low + close) / 3. A session is a day that starts at
 * `dayBoundaryMinutes` minutes after 00:00 UTC (e.g. 0 for UTC midnight, 240 for New York midnight in
 * summer time, 1320 for the 17:00 New York FX roll in winter); a bar belongs to the session its start time
 * falls in, and the sums restart with the first bar of a new session. The boundary is a fixed UTC offset:
 * daylight-saving changes are the caller's (pick the offset of the season, or recreate the state).
 * `undefined` until the session has a bar with a positive weight (volume 0 all session: no VWAP).
 *
 * Deterministic: (high + low + close) and the weight are exact integers of 1e-8 units and both session
 * sums are exact BigInt sums, so the value depends only on the session's bars, not on float rounding order.
 */
export class VwapCalculation {

    protected readonly boundary: number;
    protected session: number | undefined;
    protected priceVolume = 0n;
    protected volume = 0n;

    constructor(readonly dayBoundaryMinutes: number) {
        if (!Number.isInteger(dayBoundaryMinutes) || dayBoundaryMinutes < 0 || dayBoundaryMinutes >= 24 * 60) {
            throw new Error(`VWAP dayBoundaryMinutes must be an integer in 0..1439 (minutes after 00:00 UTC), got ${dayBoundaryMinutes}.`);
        }
        this.boundary = dayBoundaryMinutes * MICROS_PER_MINUTE;
    }

    /** The session (day number) a bar starting at `time` belongs to. */
    sessionOf(time: UnixMicros): number {
        if (!Number.isFinite(time)) {
            throw new Error(`VWAP bar time must be a finite number of microseconds, got ${time}.`);
        }
        return Math.floor((time - this.boundary) / MICROS_PER_DAY);
    }

    update(time: UnixMicros, high: number, low: number, close: number, weight: number): number | undefined {
        const session = this.sessionOf(time);
        const [pv, v] = this.terms(high, low, close, weight);
        if (session !== this.session) {
            this.session = session;
            this.priceVolume = 0n;
            this.volume = 0n;
        }
        this.priceVolume += pv;
        this.volume += v;
        return vwap(this.priceVolume, this.volume);
    }

    peek(time: UnixMicros, high: number, low: number, close: number, weight: number): number | undefined {
        const [pv, v] = this.terms(high, low, close, weight);
        return this.sessionOf(time) === this.session ? vwap(this.priceVolume + pv, this.volume + v) : vwap(pv, v);
    }

    protected terms(high: number, low: number, close: number, weight: number): [bigint, bigint] {
        if (!(weight >= 0)) {
            throw new Error(`VWAP weight (volume) must be a number >= 0, got ${weight}.`);
        }
        const typical3 = ExactWindow.units(high, 'VWAP high') + ExactWindow.units(low, 'VWAP low') + ExactWindow.units(close, 'VWAP close');
        const w = ExactWindow.units(weight, 'VWAP weight');
        return [typical3 * w, w];
    }
}

function vwap(priceVolume: bigint, volume: bigint): number | undefined {
    return volume === 0n ? undefined : Number(priceVolume) / Number(volume) / 3 / PRICE_SCALE;
}
