import { expect } from 'chai';
import { MtfEngine, MtfEngineOptions } from '@backtestr/engine-core';
import { ReferenceBars, ReferenceSessions } from './test-support/reference-bars';

const MIN = 60_000_000n;
const HOUR = 60n * MIN;
const DAY = 24n * HOUR;

/** mulberry32: a small seeded generator so that failures reproduce. */
function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

interface Stream { time: BigInt64Array; price: Float64Array; size: Float64Array }

/** Random ticks with equal timestamps, gaps of days, ticks exactly on minute / hour / session boundaries. */
function adversarialStream(seed: number, n: number, start: bigint): Stream {
    const r = rng(seed);
    const time = new BigInt64Array(n);
    const price = new Float64Array(n);
    const size = new Float64Array(n);
    let t = start;
    let p = 100;
    for (let i = 0; i < n; i++) {
        const k = Math.floor(r() * 12);
        if (k === 0) {
            // equal timestamp
        } else if (k === 1) {
            t += BigInt(1 + Math.floor(r() * 3)) * DAY;
        } else if (k === 2) {
            t += MIN - ((t % MIN) + MIN) % MIN;
        } else if (k === 3) {
            t += HOUR - ((t % HOUR) + HOUR) % HOUR;
        } else if (k === 4) {
            t += BigInt(Math.floor(r() * 5 * 3600)) * 1_000_000n;
        } else if (k === 5) {
            // exactly 21:00 or 22:00 UTC: 17:00 New York in summer / winter
            t += HOUR - ((t % HOUR) + HOUR) % HOUR;
            while ((t % DAY) / HOUR !== 21n && (t % DAY) / HOUR !== 22n) {
                t += HOUR;
            }
        } else {
            t += BigInt(Math.floor(r() * 45_000_000));
        }
        p = Math.max(0, p + Math.round((r() - 0.5) * 20) / 4);
        time[i] = t;
        price[i] = p;
        size[i] = Math.floor(r() * 300);
    }
    return { time, price, size };
}

/** Feeds a stream one wake-up per tick and compares every timeframe with the reference after every tick. */
function checkAgainstReference(s: Stream, options: MtfEngineOptions): void {
    const e = new MtfEngine({ ...options, depth: 8 });
    const sessions = new ReferenceSessions(options.session);
    const refs = e.timeframes.map(tf => new ReferenceBars(tf, sessions, options.open === 'previousClose'));
    e.subscribe({ everyTick: true });
    e.setBatch(s);
    let i = 0;
    while (i < s.time.length) {
        const next = e.run(i);
        expect(next).to.equal(i + 1);
        refs.forEach((ref, tf) => {
            ref.add(s.time[i], s.price[i], s.size[i]);
            const label = `${e.timeframes[tf]} after tick ${i} (t=${s.time[i]})`;
            const want = ref.bars[ref.bars.length - 1];
            expect(e.barAt(e.partialOffset(tf)), label).to.deep.equal({ ...want, time: want.start });
            expect(e.completedCount(tf), label).to.equal(ref.bars.length - 1);
            for (let ago = 0; ago < Math.min(8, ref.bars.length - 1); ago++) {
                const done = ref.bars[ref.bars.length - 2 - ago];
                const got = e.barAt(e.completedOffset(tf, ago));
                expect(got, `${label}, ${ago} ago`).to.deep.equal({ ...done, time: done.start });
                expect(got.end <= s.time[i], `${label}: no completed bar before its closing tick`).to.equal(true);
            }
        });
        i = next;
    }
}

describe('MtfEngine property tests: partial bars equal the aggregation of the ticks so far', () => {
    const starts: [string, bigint][] = [
        ['around the March 2013 New York DST change', BigInt(Date.UTC(2013, 2, 7)) * 1000n],
        ['around the November 2013 New York DST change', BigInt(Date.UTC(2013, 9, 31)) * 1000n],
        ['across the epoch', -2n * DAY],
    ];
    const configs: [string, MtfEngineOptions][] = [
        ['default timeframes, UTC sessions', {}],
        ['FX session 17:00 New York', { session: '17:00 America/New_York' }],
        ['non-nesting timeframes, New York session, open = previous close',
            { timeframes: ['30s', '2m', '3m', '7m', '2H', '1D', '2D'], session: '17:00 America/New_York', open: 'previousClose' }],
        ['fixed offset session', { timeframes: ['1m', '4H', '1D'], session: '22:00 UTC' }],
    ];
    let seed = 1;
    for (const [where, start] of starts) {
        for (const [what, options] of configs) {
            const s = seed++;
            it(`${what}, ${where} (seed ${s})`, () => checkAgainstReference(adversarialStream(s, 600, start), options));
        }
    }

    it('a single tick', () => checkAgainstReference(adversarialStream(99, 1, 0n), {}));

    it('empty input leaves no partial bars', () => {
        const e = new MtfEngine();
        e.process({ time: new BigInt64Array(0), price: new Float64Array(0) });
        expect(e.timeframes.map((_, i) => e.partialOffset(i))).to.deep.equal([-1, -1, -1, -1, -1, -1]);
        expect(e.ticksProcessed).to.equal(0);
    });

    it('results do not depend on how the ticks are split into batches or where JS is woken', () => {
        const s = adversarialStream(7, 3000, BigInt(Date.UTC(2013, 10, 1)) * 1000n);
        const whole = new MtfEngine({ session: '17:00 America/New_York' });
        whole.process(s);
        const split = new MtfEngine({ session: '17:00 America/New_York' });
        split.subscribe({ barClose: ['1m', '1H'], levels: [95, 100, 105] });
        for (let a = 0; a < s.time.length; a += 250) {
            const b = Math.min(s.time.length, a + 250);
            split.process({ time: s.time.subarray(a, b), price: s.price.subarray(a, b), size: s.size.subarray(a, b) });
        }
        for (const tf of whole.timeframes) {
            expect(split.partial(tf), tf).to.deep.equal(whole.partial(tf));
            expect(split.history(tf), tf).to.deep.equal(whole.history(tf));
        }
    });
});
