// *****************************************************************************
// Offset transition tables of IANA time zones for the native engine's sessions. The addon has no
// time-zone database: for a session such as "17:00 Europe/London" it takes the zone's UTC-offset
// transitions as pairs (UTC micros, offset seconds) when the engine is created (native/README.md,
// `sessionZone`). They come from Node's ICU, probed weekly over 1900-2100 with a binary search
// down to the second for each change found; a table is built once per zone and process.
// *****************************************************************************

import * as native from '@backtestr/native';
import { IcuZoneOffsets } from '../common/icu-zone-offsets';

/** The span a table covers (UTC seconds); outside it the engine keeps the first / last offset. */
const FROM_S = Date.UTC(1900, 0, 1) / 1000;
const TO_S = Date.UTC(2101, 0, 1) / 1000;
/**
 * Probe step. Two changes closer than this that restore the offset would be missed; the shortest
 * periods of the tz database since 1900 (Morocco's Ramadan breaks, wartime double summer time)
 * last about a month.
 */
const STEP_S = 7 * 86_400;

const tables = new Map<string, BigInt64Array>();

/** The zone forms a session accepts, for error messages (as the addon's). */
const ZONE_FORMS = 'ZONE is UTC, UTC+HH:MM, UTC-HH:MM, America/New_York or another IANA time-zone name (e.g. Europe/London, Asia/Tokyo)';

/** Pairs (UTC micros, offset seconds) of the zone's offsets from 1900 to 2100, first pair at 1900-01-01. */
export function zoneTransitions(zone: string): BigInt64Array {
    let table = tables.get(zone);
    if (!table) {
        table = buildTable(new IcuZoneOffsets(zone));
        tables.set(zone, table);
    }
    return table;
}

function buildTable(zone: IcuZoneOffsets): BigInt64Array {
    let t = FROM_S;
    let off = zone.offsetSecondsAt(t);
    const pairs = [t, off];
    while (t < TO_S) {
        const next = Math.min(t + STEP_S, TO_S);
        if (zone.offsetSecondsAt(next) === off) {
            t = next;
            continue;
        }
        // The first second in (t, next] whose offset differs; probing goes on from it, so a
        // second change in the same step is found too.
        let lo = t;
        let hi = next;
        while (hi - lo > 1) {
            const mid = Math.floor((lo + hi) / 2);
            if (zone.offsetSecondsAt(mid) === off) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        off = zone.offsetSecondsAt(hi);
        pairs.push(hi, off);
        t = hi;
    }
    const out = new BigInt64Array(pairs.length);
    for (let i = 0; i < pairs.length; i += 2) {
        out[i] = BigInt(pairs[i]) * 1_000_000n;
        out[i + 1] = BigInt(pairs[i + 1]);
    }
    return out;
}

/**
 * The native engine's options with the offset table of the session's zone when the addon does
 * not know the zone itself (anything but UTC, UTC+-HH:MM and America/New_York).
 * @throws RangeError naming the session, the zone and the valid forms for a zone ICU does not know.
 */
export function withSessionZone<T extends { session?: string }>(options: T): T & { sessionZone?: { name: string; transitions: BigInt64Array } } {
    const zone = options.session === undefined ? undefined : native.sessionTableZone(options.session);
    if (zone === undefined) {
        return options;
    }
    try {
        return { ...options, sessionZone: { name: zone, transitions: zoneTransitions(zone) } };
    } catch (e) {
        throw new RangeError(`session "${options.session}": ${e instanceof Error ? e.message : String(e)}; ${ZONE_FORMS}`);
    }
}
