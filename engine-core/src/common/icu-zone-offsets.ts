// *****************************************************************************
// The UTC offset of an IANA time zone at an instant, read from Node's ICU (Intl): the one
// reading of ICU's zone rules, used by the import (local wall times -> UTC, in
// @backtestr/data-import's time-zone.ts) and by the engine's session tables
// (time-zone-transitions.ts). Whole seconds: ICU's offsets of local mean time have seconds.
// *****************************************************************************

export class IcuZoneOffsets {
    protected readonly format: Intl.DateTimeFormat;

    /** @throws RangeError naming the zone when ICU does not know it. */
    constructor(readonly name: string) {
        try {
            this.format = new Intl.DateTimeFormat('en-US', {
                timeZone: name, hourCycle: 'h23',
                year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'
            });
        } catch {
            throw new RangeError(`unknown time zone "${name}"`);
        }
    }

    /** Offset (local - UTC) in seconds at the UTC instant `utcSeconds` (a whole number of seconds). */
    offsetSecondsAt(utcSeconds: number): number {
        let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
        for (const p of this.format.formatToParts(new Date(utcSeconds * 1000))) {
            switch (p.type) {
                case 'year': y = Number(p.value); break;
                case 'month': mo = Number(p.value); break;
                case 'day': d = Number(p.value); break;
                case 'hour': h = Number(p.value); break;
                case 'minute': mi = Number(p.value); break;
                case 'second': s = Number(p.value); break;
            }
        }
        // Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear does not.
        const local = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
        local.setUTCFullYear(y);
        return local.getTime() / 1000 - utcSeconds;
    }
}
