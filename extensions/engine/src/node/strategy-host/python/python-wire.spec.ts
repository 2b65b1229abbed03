import { encode } from '@msgpack/msgpack';
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { timeframeMicros } from '@backtestr/plugins-sdk';
import { dataFiles, hasData, readTradeDay, TradeTicks } from '../../test-support/lean-data';
import { loadStrategy } from '../strategy-loader';
import { StrategySession } from '../strategy-session';
import { PythonProcess } from './python-process';

// The audit of what a Python strategy receives: every frame the engine sends its process, per
// wake-up, recorded at PythonProcess.send on a real run (SPY trades, a strategy reading every
// kind of state, trading, woken on ticks, bar closes, fills and order events).

const SPY = { symbol: 'SPY', tickSize: 0.01, lotSize: 1, multiplier: 1 };
const TIMEFRAMES = ['1m', '5m', '1H'];

/** Every field a frame to the child may carry; a new one fails this spec until it is audited here. */
const EVENT_FIELDS = new Set(['e', 't', 'pos', 'pre', 'bar', 'tf', 'ev', 'params', 'inst']);
const ANSWER_FIELDS = new Set(['a', 'x']);

const PROBE = `from backtestr import define_strategy

def read(ctx):
    for tf in ('1m', '5m', '1H'):
        s = ctx.mtf(tf)
        s.partial, s.bar(-1), s.bar(-3), s.completed_count
    ctx.mtf('1m').bars(5)
    ctx.account

def on_tick(ctx):
    read(ctx)

def on_bar_close(ctx, bar, tf):
    read(ctx)
    if tf == '5m':
        p = ctx.mtf('1m').partial or bar
        ctx.order.market('sell' if ctx.position.qty > 0 else 'buy', 10, tag='flip')
        ctx.order.limit('buy', 5, ctx.instrument.round_to_tick(p.low - 0.05), tag='resting', tif='DAY')

def on_fill(ctx, ev):
    read(ctx)

def on_order_event(ctx, ev):
    ctx.account

strategy = define_strategy(id='audit.wire', subscribe={'tick': True, 'bar_close': ['1m', '5m']}, timeframes=['1m', '5m', '1H'],
                           on_tick=on_tick, on_bar_close=on_bar_close, on_fill=on_fill, on_order_event=on_order_event)
`;

interface Wakeup {
    /** The event frame, then the answers to the hook's state queries, in order. */
    readonly frames: Record<string, unknown>[];
    /** The key each answer answers (the Python side's `[1, key]` queries). */
    readonly keys: string[];
}

function spyTicks(limit: number): TradeTicks {
    const day = readTradeDay(dataFiles('spy-trades-2013-10')[0]);
    return { time: day.time.slice(0, limit), price: day.price.slice(0, limit), size: day.size.slice(0, limit) };
}

/** Runs the probe in this thread and returns every frame sent to Python, grouped by wake-up. */
function recordFrames(file: string, ticks: TradeTicks): Wakeup[] {
    const wakeups: Wakeup[] = [];
    const { send, receive } = PythonProcess.prototype;
    let query = '';
    PythonProcess.prototype.send = function (this: PythonProcess, value: unknown): void {
        const frame = value as Record<string, unknown>;
        if (frame.e !== undefined && frame.e !== 'bye') {
            wakeups.push({ frames: [structuredClone(frame)], keys: [] });
        } else if (frame.e === undefined) {
            wakeups[wakeups.length - 1].frames.push(structuredClone(frame));
            wakeups[wakeups.length - 1].keys.push(query);
        }
        send.call(this, value);
    };
    PythonProcess.prototype.receive = function (this: PythonProcess): unknown {
        const frame = receive.call(this) as unknown[];
        if (frame[0] === 1) {
            query = String(frame[1]);
        }
        return frame;
    };
    try {
        const session = new StrategySession(loadStrategy(file), {}, { instrument: SPY, execution: { fill: 'bar' } });
        session.start();
        for (let at = 0; at < ticks.time.length; at += 5000) {
            const end = Math.min(ticks.time.length, at + 5000);
            session.processBatch({ time: ticks.time.slice(at, end), price: ticks.price.slice(at, end), size: ticks.size.slice(at, end) });
        }
        session.stop();
    } finally {
        PythonProcess.prototype.send = send;
        PythonProcess.prototype.receive = receive;
    }
    return wakeups;
}

/** The bars a value carries (as [time, o, h, l, c, v, n] rows) with whether each is completed, by state key. */
function barsIn(key: string, value: unknown): { time: number; completed: boolean; tf: string }[] {
    const [kind, tf] = key.split(':');
    if (value === null || value === undefined) {
        return [];
    }
    if (kind === 'p' || kind === 'b') {
        return [{ time: (value as number[])[0], completed: kind === 'b', tf }];
    }
    if (kind === 'n') {
        const bytes = value as Uint8Array;
        const rows = new Float64Array(bytes.slice().buffer);
        expect(rows.length % 7).to.equal(0);
        return Array.from({ length: rows.length / 7 }, (_, i) => ({ time: rows[i * 7], completed: true, tf }));
    }
    return [];
}

describe('Python strategies: what goes over the wire (look-ahead audit)', function (): void {
    this.timeout(300_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-wire-'));
    const file = path.join(dir, 'probe.py');
    fs.writeFileSync(file, PROBE);
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    before(function (): void {
        if (!hasData('spy-trades-2013-10')) {
            this.skip();
        }
    });

    it('every field of every frame carries only what is known at its wake-up: no tick, bar or event time after the engine clock', () => {
        const ticks = spyTicks(12_000);
        const wakeups = recordFrames(file, ticks);
        const kinds = new Map<string, number>();
        let bars = 0;
        let lastT = -Infinity;
        let queries = 0;
        for (const { frames, keys } of wakeups) {
            const [event, ...answers] = frames;
            kinds.set(String(event.e), (kinds.get(String(event.e)) ?? 0) + 1);
            for (const field of Object.keys(event)) {
                expect(EVENT_FIELDS.has(field), `unaudited field '${field}' in ${JSON.stringify(event).slice(0, 120)}`).to.equal(true);
            }
            const t = event.t as number;
            expect(t).to.be.a('number');
            expect(t, 'the clock never goes back').to.be.at.least(lastT);
            lastT = t;
            // The clock is a time the engine has reached: never beyond the last tick it was given.
            expect(t).to.be.at.most(Number(ticks.time[ticks.time.length - 1]));
            // pos: [qty, avgPrice, unrealised], numbers only (no time, no tick field).
            expect((event.pos as unknown[]).every(v => typeof v === 'number')).to.equal(true);
            expect(event.pos as unknown[]).to.have.length(3);
            const check = (key: string, value: unknown): void => {
                for (const b of barsIn(key, value)) {
                    bars++;
                    const end = b.time + (b.completed ? timeframeMicros(b.tf) : 0);
                    expect(end, `${key} at ${t}: a bar ${b.completed ? 'ending' : 'starting'} at ${end}`).to.be.at.most(t);
                }
                if (key === 'a') {
                    expect((value as unknown[]).every(v => typeof v === 'number')).to.equal(true);
                }
            };
            for (const [key, value] of Object.entries((event.pre ?? {}) as Record<string, unknown>)) {
                check(key, value);
            }
            if (event.e === 'bar') {
                const bar = event.bar as number[];
                expect(TIMEFRAMES).to.include(event.tf);
                expect(bar[0] + timeframeMicros(String(event.tf)), 'the closed bar has ended').to.be.at.most(t);
                // The clock at a bar close is the TypeScript ctx.time there: a period end, not the (sub-second) time of the unapplied closing tick.
                expect(t % timeframeMicros('1m'), `bar close at ${t}`).to.equal(0);
            }
            if (event.ev !== undefined) {
                expect((event.ev as number[])[0], 'an order event has happened').to.be.at.most(t);
            }
            // Answers to the hook's own queries, by the key asked.
            answers.forEach((answer, i) => {
                for (const field of Object.keys(answer)) {
                    expect(ANSWER_FIELDS.has(field), `unaudited answer field '${field}'`).to.equal(true);
                }
                expect(answer.x, `query ${keys[i]} refused`).to.equal(undefined);
                check(keys[i], answer.a);
                queries++;
            });
        }
        // The audit saw every kind of wake-up, and bars in them.
        for (const kind of ['start', 'tick', 'bar', 'fill', 'order', 'stop']) {
            expect(kinds.get(kind) ?? 0, `${kind} wake-ups`).to.be.greaterThan(0);
        }
        expect(bars).to.be.greaterThan(10_000);
        expect(queries, 'bars(n) is asked at each wake-up').to.be.greaterThan(1_000);
    });

    it('the frames up to a time are the same whether the ticks after it exist, are cut or are perturbed', () => {
        const full = spyTicks(12_000);
        const cutAt = 7_000;
        const cutTime = Number(full.time[cutAt]);
        const cut: TradeTicks = { time: full.time.slice(0, cutAt), price: full.price.slice(0, cutAt), size: full.size.slice(0, cutAt) };
        const perturbed: TradeTicks = { time: full.time.slice(), price: full.price.slice(), size: full.size.slice() };
        for (let i = cutAt; i < perturbed.price.length; i++) {
            perturbed.price[i] = Math.round((perturbed.price[i] + (i % 2 ? 0.37 : -0.41)) * 100) / 100;
            perturbed.size[i] *= 3;
        }
        // The wake-ups before the first tick at or after the cut, frame for frame, byte for byte.
        const before = (w: Wakeup[]): string[] => w.filter(x => (x.frames[0].t as number) < cutTime && x.frames[0].e !== 'stop')
            .map(x => Buffer.from(encode(x.frames)).toString('base64'));
        const a = before(recordFrames(file, full));
        expect(a.length).to.be.greaterThan(5_000);
        expect(before(recordFrames(file, cut))).to.deep.equal(a);
        expect(before(recordFrames(file, perturbed))).to.deep.equal(a);
    });
});
