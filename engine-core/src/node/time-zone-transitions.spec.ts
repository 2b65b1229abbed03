import { expect } from 'chai';
import { IcuZoneOffsets } from '../common/icu-zone-offsets';
import { MtfEngine } from './mtf-engine';
import { MTF_LAYOUT as L } from './native-layout';
import { zoneTransitions } from './time-zone-transitions';

const HOUR_US = 3_600_000_000;

/** Micros of a UTC date-time. */
function utc(y: number, mo: number, d: number, h = 0, mi = 0): number {
    return Date.UTC(y, mo - 1, d, h, mi) * 1000;
}

/** ISO text of micros, for readable failures. */
function iso(us: number): string {
    return new Date(us / 1000).toISOString().replace('.000Z', 'Z');
}

/** Starts (ISO) of the 1D bars of a session over ticks every `stepHours` from `from` to `to` (micros), through the real addon. */
function dayStarts(session: string, from: number, to: number, stepHours = 1): string[] {
    const n = Math.floor((to - from) / (stepHours * HOUR_US));
    const time = new BigInt64Array(n);
    const price = new Float64Array(n).fill(100);
    for (let i = 0; i < n; i++) {
        time[i] = BigInt(from + i * stepHours * HOUR_US);
    }
    const e = new MtfEngine({ timeframes: ['1D'], depth: n, session });
    e.process({ time, price });
    e.flush();
    const out: string[] = [];
    for (let ago = e.completedCount(0) - 1; ago >= 0; ago--) {
        out.push(iso(Number(e.i64[e.completedOffset(0, ago) + L.R_START])));
    }
    return out;
}

/** The offset a table gives at a UTC second (the native rule: the last pair at or before it, else the first). */
function tableOffset(table: BigInt64Array, utcSeconds: number): number {
    const t = BigInt(utcSeconds) * 1_000_000n;
    let lo = 0;
    let hi = table.length / 2;
    while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (table[2 * mid] <= t) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return Number(table[2 * lo + 1]);
}

describe('time-zone transitions: the offset tables of the engine\'s sessions', () => {
    const zones = ['Europe/London', 'Europe/Berlin', 'America/Chicago', 'Asia/Tokyo', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Chatham'];

    it('give ICU\'s offset at any second from 1900 to 2100, and change exactly at their instants', () => {
        const from = Date.UTC(1900, 0, 1) / 1000;
        const to = Date.UTC(2100, 11, 31) / 1000;
        for (const zone of zones) {
            const icu = new IcuZoneOffsets(zone);
            const table = zoneTransitions(zone);
            let seed = 12345;
            for (let i = 0; i < 2000; i++) {
                seed = (seed * 1103515245 + 12345) % 2147483648;
                const s = from + Math.floor((seed / 2147483648) * (to - from));
                expect(tableOffset(table, s), `${zone} at ${iso(s * 1e6)}`).to.equal(icu.offsetSecondsAt(s));
            }
            for (let i = 2; i < table.length; i += 2) {
                const s = Number(table[i] / 1_000_000n);
                expect(icu.offsetSecondsAt(s), `${zone} at ${iso(s * 1e6)}`).to.equal(Number(table[i + 1]));
                expect(icu.offsetSecondsAt(s - 1), `${zone} before ${iso(s * 1e6)}`).to.equal(Number(table[i - 1]));
            }
        }
        // A few facts of the tz database: the southern summer, +05:30, +12:45 / +13:45, London's
        // British Standard Time (GMT+1 all year 1968-1971), Tokyo without DST since 1951.
        expect(tableOffset(zoneTransitions('Australia/Sydney'), utc(2014, 1, 1) / 1e6)).to.equal(11 * 3600);
        expect(tableOffset(zoneTransitions('Australia/Sydney'), utc(2014, 7, 1) / 1e6)).to.equal(10 * 3600);
        expect(tableOffset(zoneTransitions('Asia/Kolkata'), utc(2020, 1, 1) / 1e6)).to.equal(5.5 * 3600);
        expect(tableOffset(zoneTransitions('Pacific/Chatham'), utc(2020, 7, 1) / 1e6)).to.equal(12.75 * 3600);
        expect(tableOffset(zoneTransitions('Pacific/Chatham'), utc(2020, 1, 1) / 1e6)).to.equal(13.75 * 3600);
        expect(tableOffset(zoneTransitions('Europe/London'), utc(1970, 1, 1) / 1e6)).to.equal(3600);
        expect(zoneTransitions('Asia/Tokyo').filter((_, i) => i % 2 === 0 && i > 0).every(t => t < BigInt(utc(1952, 1, 1)))).to.equal(true);
    });

    it('are built once per zone', () => {
        expect(zoneTransitions('Europe/London')).to.equal(zoneTransitions('Europe/London'));
    });
});

describe('MtfEngine: sessions in IANA zones (1D bars through the real addon)', () => {
    it('starts "17:00 Europe/London" days at 17:00 GMT, then at 17:00 BST (16:00 UTC) after the March change', () => {
        expect(dayStarts('17:00 Europe/London', utc(2013, 3, 28, 12), utc(2013, 4, 2, 12))).to.deep.equal([
            '2013-03-27T17:00:00Z', '2013-03-28T17:00:00Z', '2013-03-29T17:00:00Z',
            '2013-03-30T17:00:00Z', // Saturday 17:00 GMT to Sunday 17:00 BST: 23 hours
            '2013-03-31T16:00:00Z', '2013-04-01T16:00:00Z'
        ]);
        expect(dayStarts('17:00 Europe/London', utc(2013, 10, 25, 12), utc(2013, 10, 29, 12))).to.deep.equal([
            '2013-10-24T16:00:00Z', '2013-10-25T16:00:00Z', '2013-10-26T16:00:00Z', '2013-10-27T17:00:00Z', '2013-10-28T17:00:00Z'
        ]);
    });

    it('starts "09:00 Asia/Tokyo" days at 00:00 UTC, and at 23:00 UTC in the summers of Tokyo\'s 1948-1951 DST', () => {
        expect(dayStarts('09:00 Asia/Tokyo', utc(2013, 3, 29, 12), utc(2013, 4, 1, 12))).to.deep.equal([
            '2013-03-29T00:00:00Z', '2013-03-30T00:00:00Z', '2013-03-31T00:00:00Z', '2013-04-01T00:00:00Z'
        ]);
        // 1950: JDT (+10) from Saturday 6 May 24:00 to Saturday 9 September 25:00 (JDT) local.
        const may = dayStarts('09:00 Asia/Tokyo', utc(1950, 5, 5, 12), utc(1950, 5, 8, 12));
        expect(may).to.deep.equal(['1950-05-05T00:00:00Z', '1950-05-06T00:00:00Z', '1950-05-06T23:00:00Z', '1950-05-07T23:00:00Z']);
    });

    it('follows the southern summer and half-hour and 45-minute offsets', () => {
        // Sydney: AEDT (+11) ends Sunday 6 April 2014 03:00 local.
        expect(dayStarts('17:00 Australia/Sydney', utc(2014, 4, 4, 12), utc(2014, 4, 7, 12))).to.deep.equal([
            '2014-04-04T06:00:00Z', '2014-04-05T06:00:00Z', '2014-04-06T07:00:00Z', '2014-04-07T07:00:00Z'
        ]);
        expect(dayStarts('09:15 Asia/Kolkata', utc(2020, 1, 1, 12), utc(2020, 1, 2, 12))).to.deep.equal([
            '2020-01-01T03:45:00Z', '2020-01-02T03:45:00Z'
        ]);
        // Chatham: +13:45 until Sunday 5 April 2020 03:45 local, then +12:45.
        expect(dayStarts('09:00 Pacific/Chatham', utc(2020, 4, 3, 12), utc(2020, 4, 6, 12))).to.deep.equal([
            '2020-04-02T19:15:00Z', '2020-04-03T19:15:00Z', '2020-04-04T20:15:00Z', '2020-04-05T20:15:00Z'
        ]);
    });

    it('starts a session whose start is skipped by the spring change at the same instant read with the winter offset', () => {
        // 01:30 on 31 March 2013 does not exist in London: that session starts at 01:30 GMT (= 02:30 BST).
        expect(dayStarts('01:30 Europe/London', utc(2013, 3, 30, 12), utc(2013, 4, 1, 12))).to.deep.equal([
            '2013-03-30T01:30:00Z', '2013-03-31T01:30:00Z', '2013-04-01T00:30:00Z'
        ]);
    });

    it('gives America/New_York exactly the sessions of its built-in US rules (the same zone read from ICU as US/Eastern), 1970-2100', () => {
        const from = utc(1970, 1, 2);
        const to = utc(2100, 12, 30);
        const builtIn = dayStarts('17:00 America/New_York', from, to, 5);
        expect(builtIn.length).to.be.greaterThan(47_000);
        expect(dayStarts('17:00 US/Eastern', from, to, 5)).to.deep.equal(builtIn);
        // and the built-in rules still give what they gave: EDT 21:00 UTC, EST 22:00 UTC.
        expect(dayStarts('17:00 America/New_York', utc(2013, 11, 1, 12), utc(2013, 11, 4, 12))).to.deep.equal([
            '2013-10-31T21:00:00Z', '2013-11-01T21:00:00Z', '2013-11-02T21:00:00Z', '2013-11-03T22:00:00Z'
        ]);
    });

    it('refuses an unknown zone, naming it and the valid forms', () => {
        expect(() => new MtfEngine({ session: '17:00 Mars/Olympus_Mons' })).to.throw(RangeError,
            /session "17:00 Mars\/Olympus_Mons": unknown time zone "Mars\/Olympus_Mons"; ZONE is UTC, UTC\+HH:MM, UTC-HH:MM, America\/New_York or another IANA/);
        expect(() => new MtfEngine({ session: '17:00' })).to.throw(RangeError, /expected "HH:MM ZONE"/);
        expect(() => new MtfEngine({ session: '17:00 UTC+15:00' })).to.throw(RangeError, /up to 14:00/);
    });
});
