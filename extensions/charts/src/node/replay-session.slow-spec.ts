import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { Bar } from '@backtestr/plugins-sdk';
import { MtfEngine, tickScale, ticksToPrices, toInt64Micros } from '@backtestr/engine-core';
import type { TickColumns } from '@backtestr/workspace-store';
import { ReplaySession, ReplayTickSource } from './replay-session';
import { ChartBarColumns, ReplayFrame } from '../common/replay-protocol';

/**
 * Walkback consistency on the real SPY trades of 2013-10 (the sample workspace database, read
 * from a copy): for 1,000 random tick indices, the frame the replay rebuilds (index snapshot +
 * re-simulation of the cursor's session) equals the state the native engine had at that tick
 * during one full pass over the same ticks, read through the SDK's MtfState reader.
 */

const TIMEFRAMES = ['1m', '5m', '15m', '1H', '4H', '1D'];
const WINDOW = 120;
const SAMPLES = 1000;
const DAY = 86_400_000_000;
const sampleDb = path.resolve(__dirname, '..', '..', '..', '..', 'sample-workspace', '.backtestr', 'workspace.duckdb');

async function readTicks(con: DuckDBConnection, instrumentId: number, from: number, to: number): Promise<TickColumns> {
    const reader = await con.runAndReadAll(`SELECT time_us::DOUBLE, price_ticks::DOUBLE, size::DOUBLE, flags FROM trades
        WHERE instrument_id = ${instrumentId} AND time_us >= ${from} AND time_us < ${to}`);
    const cols = reader.getColumns();
    const f = (c: number): Float64Array => Float64Array.from(cols[c] as number[]);
    return { count: reader.currentRowCount, time: f(0), price: f(1), size: f(2), flags: Int32Array.from(cols[3] as number[]) };
}

function mulberry32(seed: number): () => number {
    let a = seed;
    return () => {
        a = (a + 0x6D2B79F5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

interface Recorded { partial: (Bar | undefined)[]; completed: Bar[][]; completedCount: number[] }

function rows(c: ChartBarColumns): Omit<Bar, 'ticks'>[] {
    const out: Omit<Bar, 'ticks'>[] = [];
    for (let i = 0; i < c.count; i++) {
        out.push({ time: c.time[i], open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i] });
    }
    return out;
}

const strip = (b: Bar): Omit<Bar, 'ticks'> => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });

function expectFrameEquals(frame: ReplayFrame, rec: Recorded, k: number): void {
    TIMEFRAMES.forEach((tf, i) => {
        const p = rec.partial[i];
        const fp = rows(frame.partial)[i];
        if (p) {
            expect(fp, `partial ${tf} at tick ${k}`).to.deep.equal(strip(p));
        } else {
            expect(Number.isNaN(fp.time), `no partial ${tf} at tick ${k}`).to.equal(true);
        }
        expect(rows(frame.completed[i]), `completed ${tf} at tick ${k}`).to.deep.equal(rec.completed[i].map(strip));
        expect(frame.completedCount[i], `completed count ${tf} at tick ${k}`).to.equal(rec.completedCount[i]);
    });
}

describe('ReplaySession on the real SPY trades of 2013-10', function (): void {
    this.timeout(600000);
    let dir: string;
    let instance: DuckDBInstance;
    let con: DuckDBConnection;
    let source: ReplayTickSource;
    let replay: ReplaySession;
    const recorded = new Map<number, Recorded>();
    let targets: number[] = [];
    let total = 0;

    before(async () => {
        expect(fs.existsSync(sampleDb), `${sampleDb} (the sample workspace database) must exist: run the setup`).to.equal(true);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charts-replay-'));
        fs.copyFileSync(sampleDb, path.join(dir, 'w.duckdb'));
        // The copy's tick views name the sample's segment files relative to its folder.
        instance = await DuckDBInstance.create(path.join(dir, 'w.duckdb'), { file_search_path: path.dirname(sampleDb) });
        con = await instance.connect();
        const [row] = (await con.runAndReadAll(`SELECT i.id, i.tick_size, min(t.time_us)::DOUBLE AS a, max(t.time_us)::DOUBLE AS b, count(*)::DOUBLE AS n
            FROM trades t JOIN instruments i ON i.id = t.instrument_id WHERE i.symbol = 'SPY' GROUP BY ALL`)).getRowObjects();
        const instrumentId = Number(row.id);
        total = Number(row.n);
        source = {
            kind: 'trades', tickSize: Number(row.tick_size), firstTime: Number(row.a), lastTime: Number(row.b),
            readTicks: (from, to) => readTicks(con, instrumentId, from, to)
        };
        replay = new ReplaySession(source, { timeframes: TIMEFRAMES });
        await replay.prepare();

        // The targets: 1,000 seeded random ticks plus the first, the last and both sides of a session change.
        const random = mulberry32(20131007);
        const set = new Set<number>([0, total - 1]);
        while (set.size < SAMPLES + 2) {
            set.add(Math.floor(random() * total));
        }
        targets = [...set].sort((a, b) => a - b);

        // One full pass of the engine over the same ticks, woken after every tick; the state is recorded at the targets.
        const engine = new MtfEngine({ timeframes: TIMEFRAMES, priceSource: 'last', depth: 1000 });
        engine.subscribe({ everyTick: true });
        const state = engine.state;
        let offset = 0;
        let next = 0;
        for (let from = Math.floor(source.firstTime / DAY) * DAY; from <= source.lastTime; from += DAY) {
            const t = await source.readTicks(from, from + DAY);
            if (t.count === 0) {
                continue;
            }
            const time = toInt64Micros(t.time);
            const price = ticksToPrices(t.price!, tickScale(source.tickSize));
            engine.setBatch({ time, price, size: t.size });
            let i = 0;
            while (i < t.count) {
                i = engine.run(i);
                const k = offset + i - 1;
                if (next < targets.length && targets[next] === k) {
                    recorded.set(k, {
                        partial: TIMEFRAMES.map(tf => state.get(tf).partial?.snapshot()),
                        completed: TIMEFRAMES.map(tf => state.get(tf).bars(WINDOW)),
                        completedCount: TIMEFRAMES.map(tf => state.get(tf).completedCount)
                    });
                    next++;
                }
            }
            offset += t.count;
        }
        expect(offset).to.equal(total);
    });

    after(async () => {
        con?.closeSync();
        instance?.closeSync();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('indexes every tick and the five trading days as engine sessions', () => {
        expect(replay.tickCount).to.equal(1_887_460);
        expect(replay.sessions).to.equal(5);
    });

    it('rebuilds the engine state of the full pass at 1,000 random ticks, re-simulating at most one session', async () => {
        expect(recorded.size).to.equal(targets.length);
        for (const k of targets) {
            const frame = await replay.frame(k, WINDOW);
            expect(frame.tickIndex).to.equal(k);
            expect(frame.resimulatedTicks).to.be.at.most(600_000);
            expectFrameEquals(frame, recorded.get(k)!, k);
        }
    });

    it('shows the same state at a cursor whether reached stepping forward or backward', async () => {
        const k = targets[500];
        const forward = await replay.frame(k - 1, WINDOW);
        const at1 = await replay.frame(k, WINDOW);
        const ahead = await replay.frame(k + 1, WINDOW);
        const at2 = await replay.frame(k, WINDOW);
        expect({ ...at2, computeMs: 0 }).to.deep.equal({ ...at1, computeMs: 0 });
        expect(forward.tickIndex).to.equal(k - 1);
        expect(ahead.tickIndex).to.equal(k + 1);
    });

    it('steps one bar of a timeframe forward and back: one more, then one fewer completed bar', async () => {
        const k = targets[300];
        for (const tf of ['1m', '15m', '1H']) {
            const i = TIMEFRAMES.indexOf(tf);
            const before = await replay.frame(k, 10);
            const fwd = replay.stepBar(k, tf, 1);
            const after = await replay.frame(fwd, 10);
            expect(after.completedCount[i], tf).to.equal(before.completedCount[i] + 1);
            const back = replay.stepBar(fwd, tf, -1);
            expect((await replay.frame(back, 10)).completedCount[i], tf).to.equal(before.completedCount[i]);
            expect(back).to.be.at.most(fwd - 1);
        }
    });

    it('serves older bars for scrolling back that join the frame window without a gap or an overlap', async () => {
        const k = targets[900];
        const frame = await replay.frame(k, 50);
        TIMEFRAMES.forEach((tf, i) => {
            const window = frame.completed[i];
            if (window.count === 0) {
                return;
            }
            const older = replay.barsBefore(tf, window.time[0], 30);
            const full = recorded.get(k)!.completed[i];
            const expected = full.slice(Math.max(0, full.length - 50 - older.count), full.length - 50).map(strip);
            expect(rows(older), tf).to.deep.equal(expected);
        });
    });

    it('finds the tick at a time', async () => {
        const k = targets[700];
        const frame = await replay.frame(k, 1);
        const at = await replay.tickIndexAt(frame.time);
        expect(at).to.be.at.least(k);
        expect((await replay.frame(at, 1)).time).to.equal(frame.time);
        expect(await replay.tickIndexAt(source.firstTime - 1)).to.equal(-1);
    });
});
