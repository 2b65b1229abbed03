import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { barPath, barPathTimes, MtfEngine, MtfEngineOptions, tickScale, ticksToPrices, toInt64Micros } from '@backtestr/engine-core';
import type { BarColumns, TickColumns } from '@backtestr/workspace-store';
import { ReplaySession, ReplaySessionOptions, ReplayTickSource } from './replay-session';
import { ChartBarColumns } from '../common/replay-protocol';

/**
 * A replay runs the engine as the run did: on the sample workspace's EURUSD quotes with the
 * run's price source (`bid`, the engine's default for quotes) and a New York 17:00 session, and
 * on the imported EURUSD 1-minute bars replayed as 4 path points per bar (engine-core's barTicks),
 * frames at 300 seeded random ticks equal one full engine pass with the same settings.
 */

const TIMEFRAMES = ['1m', '5m', '15m', '1H', '4H', '1D'];
const DAY = 86_400_000_000;
const sampleDb = path.resolve(__dirname, '..', '..', '..', '..', 'sample-workspace', '.backtestr', 'workspace.duckdb');

function mulberry32(seed: number): () => number {
    let a = seed;
    return () => {
        a = (a + 0x6D2B79F5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

type Row = { time: number; open: number; high: number; low: number; close: number; volume: number };
const rowsOf = (c: ChartBarColumns): Row[] => Array.from({ length: c.count }, (_, i) => ({
    time: c.time[i], open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i]
}));
const plain = (b: Row): Row => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });

/** Frames of `replay` at random ticks against one full pass of the engine with `engineOptions` over the same ticks. */
async function expectConsistent(replay: ReplaySession, ticksOf: (from: number, to: number) => Promise<{ time: Float64Array; price?: Float64Array; bid?: Float64Array;
    ask?: Float64Array; size?: Float64Array }>, first: number, last: number, engineOptions: MtfEngineOptions, samples: number): Promise<number> {
    const total = replay.tickCount;
    const random = mulberry32(20140501);
    const set = new Set<number>([0, total - 1]);
    while (set.size < samples) {
        set.add(Math.floor(random() * total));
    }
    const targets = [...set].sort((a, b) => a - b);
    const engine = new MtfEngine({ ...engineOptions, timeframes: TIMEFRAMES, depth: 1000 });
    engine.subscribe({ everyTick: true });
    const state = engine.state;
    const expected = new Map<number, { partial: (Row | undefined)[]; completed: Row[][]; count: number[] }>();
    let offset = 0, next = 0;
    for (let from = Math.floor(first / DAY) * DAY; from <= last; from += DAY) {
        const t = await ticksOf(from, from + DAY);
        const n = t.time.length;
        if (n === 0) {
            continue;
        }
        engine.setBatch({ time: toInt64Micros(t.time), price: t.price, size: t.size, bid: t.bid, ask: t.ask });
        let i = 0;
        while (i < n) {
            i = engine.run(i);
            if (next < targets.length && targets[next] === offset + i - 1) {
                expected.set(offset + i - 1, {
                    partial: TIMEFRAMES.map(tf => { const p = state.get(tf).partial?.snapshot(); return p && plain(p); }),
                    completed: TIMEFRAMES.map(tf => state.get(tf).bars(20).map(plain)),
                    count: TIMEFRAMES.map(tf => state.get(tf).completedCount)
                });
                next++;
            }
        }
        offset += n;
    }
    expect(offset).to.equal(total);
    for (const k of targets) {
        const frame = await replay.frame(k, 20);
        const e = expected.get(k)!;
        const partial = rowsOf(frame.partial);
        TIMEFRAMES.forEach((tf, i) => {
            expect(Number.isNaN(partial[i].time) ? undefined : partial[i], `partial ${tf} at ${k}`).to.deep.equal(e.partial[i]);
            expect(rowsOf(frame.completed[i]), `completed ${tf} at ${k}`).to.deep.equal(e.completed[i]);
            expect(frame.completedCount[i], `count ${tf} at ${k}`).to.equal(e.count[i]);
        });
    }
    return targets.length;
}

describe('ReplaySession with a run\'s engine settings (sample EURUSD quotes and 1-minute bars)', function (): void {
    this.timeout(600000);
    let dir: string;
    let instance: DuckDBInstance;
    let con: DuckDBConnection;

    before(async () => {
        expect(fs.existsSync(sampleDb), `${sampleDb} (the sample workspace database) must exist: run the setup`).to.equal(true);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charts-settings-'));
        fs.copyFileSync(sampleDb, path.join(dir, 'w.duckdb'));
        // The copy's tick views name the sample's segment files relative to its folder.
        instance = await DuckDBInstance.create(path.join(dir, 'w.duckdb'), { file_search_path: path.dirname(sampleDb) });
        con = await instance.connect();
    });

    after(() => {
        con?.closeSync();
        instance?.closeSync();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const range = async (table: string, venue: string): Promise<{ id: number; tickSize: number; first: number; last: number }> => {
        const [r] = (await con.runAndReadAll(`SELECT i.id, i.tick_size, min(t.time_us)::DOUBLE AS a, max(t.time_us)::DOUBLE AS b FROM ${table} t
            JOIN instruments i ON i.id = t.instrument_id WHERE i.symbol = 'EURUSD' AND i.venue = '${venue}' GROUP BY ALL`)).getRowObjects();
        return { id: Number(r.id), tickSize: Number(r.tick_size), first: Number(r.a), last: Number(r.b) };
    };

    it('replays quotes with the run\'s price source (bid) and session (17:00 New York) exactly as the engine ran them', async () => {
        const q = await range('quotes', 'oanda');
        const readTicks = async (from: number, to: number): Promise<TickColumns> => {
            const reader = await con.runAndReadAll(`SELECT time_us::DOUBLE, bid_ticks::DOUBLE, ask_ticks::DOUBLE, flags FROM quotes
                WHERE instrument_id = ${q.id} AND time_us >= ${from} AND time_us < ${to}`);
            const c = reader.getColumns();
            const f = (i: number): Float64Array => Float64Array.from((c[i] ?? []) as number[]);
            return { count: reader.currentRowCount, time: f(0), bid: f(1), ask: f(2), flags: Int32Array.from((c[3] ?? []) as number[]) };
        };
        const source: ReplayTickSource = { kind: 'quotes', tickSize: q.tickSize, firstTime: q.first, lastTime: q.last, readTicks };
        const options: ReplaySessionOptions = { timeframes: TIMEFRAMES, priceSource: 'bid', session: '17:00 America/New_York' };
        const replay = new ReplaySession(source, options);
        await replay.prepare();
        expect(replay.priceSource).to.equal('bid');
        const frame = await replay.frame(1000, 1);
        const t = await readTicks(q.first, q.first + DAY);
        expect(frame.price, 'the cursor price is the bid').to.equal(ticksToPrices(t.bid!, tickScale(q.tickSize))[1000]);
        const checked = await expectConsistent(replay, async (from, to) => {
            const c = await readTicks(from, to);
            return { time: c.time, bid: ticksToPrices(c.bid!, tickScale(q.tickSize)), ask: ticksToPrices(c.ask!, tickScale(q.tickSize)) };
        }, q.first, q.last, { priceSource: 'bid', session: '17:00 America/New_York' }, 300);
        expect(checked).to.equal(300);
        // a session other than UTC midnight moves the day bars: the 1D bar starts at 17:00 New York (21:00 UTC in May)
        const day = rowsOf((await replay.frame(replay.tickCount - 1, 5)).completed[5]);
        expect(day.length).to.be.greaterThan(0);
        day.forEach(b => expect(new Date(b.time / 1000).getUTCHours()).to.equal(21));
    });

    it('replays an imported 1-minute bars dataset as the engine does: 4 path points per bar, the 1m bars equal to the imported ones', async () => {
        const b = await range('bars', 'histdata');
        const readBars = async (from: number, to: number): Promise<BarColumns> => {
            const reader = await con.runAndReadAll(`SELECT time_us::DOUBLE, open_ticks::DOUBLE, high_ticks::DOUBLE, low_ticks::DOUBLE, close_ticks::DOUBLE, volume::DOUBLE
                FROM bars WHERE instrument_id = ${b.id} AND timeframe = '1m' AND time_us >= ${from} AND time_us < ${to} ORDER BY time_us`);
            const c = reader.getColumns();
            const f = (i: number): Float64Array => Float64Array.from((c[i] ?? []) as number[]);
            return { count: reader.currentRowCount, time: f(0), open: f(1), high: f(2), low: f(3), close: f(4), volume: f(5) };
        };
        const source: ReplayTickSource = {
            kind: 'bars', tickSize: b.tickSize, firstTime: b.first, lastTime: b.last, readBars,
            readTicks: () => Promise.reject(new Error('a bars dataset has no ticks'))
        };
        const replay = new ReplaySession(source, { timeframes: TIMEFRAMES });
        await replay.prepare();
        const all = await readBars(b.first, b.last + 1);
        expect(replay.tickCount).to.equal(4 * all.count);
        const p = (a: Float64Array): Float64Array => ticksToPrices(a, tickScale(b.tickSize));
        // after the 4 points of bar i, bar i is the forming 1m bar with the imported values (volume split in 4 and summed back)
        const i = Math.floor(all.count / 2);
        const frame = await replay.frame(4 * i + 3, 3);
        expect(rowsOf(frame.partial)[0]).to.deep.include({ time: all.time[i], open: p(all.open)[i], high: p(all.high)[i], low: p(all.low)[i], close: p(all.close)[i] });
        expect(rowsOf(frame.partial)[0].volume).to.be.closeTo(all.volume[i], 1e-9);
        await expectConsistent(replay, async (from, to) => {
            const c = await readBars(from, to);
            return { time: barPathTimes(c.time), ...barPath({ open: p(c.open), high: p(c.high), low: p(c.low), close: p(c.close), volume: c.volume }) };
        }, b.first, b.last, { priceSource: 'last' }, 300);
    });
});
