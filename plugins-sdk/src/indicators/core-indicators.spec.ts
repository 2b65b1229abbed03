// Behaviour every built-in indicator promises, on real EURUSD bars: declared definitions and options,
// warm-up as undefined (never NaN), peek on a forming bar without changing state, bounded memory (no
// growing arrays), values that depend only on the window for the windowed indicators, clear errors.
import { expect } from 'chai';
import { IndicatorDefinition, IndicatorState } from '../indicator';
import { Bar } from '../types';
import { AdxCalculation } from './adx-calculation';
import { CORE_INDICATORS, bollinger, donchian, sma, stochastic, vwap, wma } from './core-indicators';
import { ExactWindow } from './exact-window';
import { RollingExtreme } from './rolling-extreme';
import { aggregate, readEurusdM1 } from './test-support/real-bars';

type AnyDefinition = IndicatorDefinition<object, unknown>;
const create = (d: AnyDefinition, options: object = {}): IndicatorState<unknown> => d.create({ ...d.defaultOptions, ...options });

/** Bars before the first value with the default options (a VWAP session has none). */
const WARM_UP: Record<string, number> = {
    'core.sma': 19, 'core.ema': 19, 'core.wma': 19, 'core.rsi': 14, 'core.atr': 14, 'core.bollinger': 19,
    'core.macd': 26 + 9 - 2, 'core.stochastic': 14 + 3 + 3 - 3, 'core.adx': 2 * 14 - 1, 'core.vwap': 0, 'core.donchian': 19
};
/** VWAP of EURUSD quotes is weighted by bar count (their volume is 0). */
const OPTIONS: Record<string, object> = { 'core.vwap': { weight: 'ticks' } };

/** Array slots, typed-array elements and map/set entries reachable from a state: what could grow. */
function footprint(root: unknown): number {
    const seen = new Set<unknown>();
    let slots = 0;
    const walk = (v: unknown): void => {
        if (v === null || typeof v !== 'object' || seen.has(v)) {
            return;
        }
        seen.add(v);
        if (ArrayBuffer.isView(v)) {
            slots += (v as unknown as { length: number }).length;
        } else if (Array.isArray(v)) {
            slots += v.length;
            v.forEach(walk);
        } else if (v instanceof Map || v instanceof Set) {
            slots += v.size;
            v.forEach(walk);
        } else {
            Object.values(v).forEach(walk);
        }
    };
    walk(root);
    return slots;
}

function hasNaN(v: unknown): boolean {
    return typeof v === 'number' ? Number.isNaN(v) : typeof v === 'object' && v !== null && Object.values(v).some(hasNaN);
}

describe('built-in indicators: definitions and behaviour on real EURUSD bars', function () {
    this.timeout(60_000);
    const m1 = readEurusdM1();
    const hours = aggregate(m1, 60);

    it('declares ids core.*, labels, defaults and outputs; values carry exactly the declared outputs', () => {
        const ids = CORE_INDICATORS.map(d => d.id);
        expect(ids).to.deep.equal(['core.sma', 'core.ema', 'core.wma', 'core.rsi', 'core.atr', 'core.bollinger', 'core.macd', 'core.stochastic',
            'core.adx', 'core.vwap', 'core.donchian']);
        expect(bollinger.outputs.map(o => o.id)).to.deep.equal(['upper', 'middle', 'lower']);
        expect(bollinger.defaultOptions).to.deep.equal({ period: 20, multiplier: 2, source: 'close' });
        for (const d of CORE_INDICATORS as readonly AnyDefinition[]) {
            expect(d.label, d.id).to.be.a('string').and.not.equal('');
            expect(Object.isFrozen(d), d.id).to.equal(true);
            const state = create(d, OPTIONS[d.id]);
            let value: unknown;
            for (const bar of hours.slice(0, 60)) {
                value = state.update(bar);
            }
            if (d.outputs.length === 1) {
                expect(value, d.id).to.be.a('number');
            } else {
                expect(Object.keys(value as object), d.id).to.deep.equal(d.outputs.map(o => o.id));
            }
        }
    });

    it('is undefined for exactly the warm-up bars, then defined, finite and never NaN (1m, all 186,348 bars)', () => {
        for (const d of CORE_INDICATORS as readonly AnyDefinition[]) {
            const state = create(d, OPTIONS[d.id]);
            m1.forEach((bar, i) => {
                const v = state.update(bar);
                if (i < WARM_UP[d.id]) {
                    expect(v, `${d.id} bar ${i}`).to.equal(undefined);
                } else if (v === undefined || hasNaN(v)) {
                    expect.fail(`${d.id} bar ${i}: ${JSON.stringify(v)} after the warm-up of ${WARM_UP[d.id]} bars`);
                }
            });
        }
    });

    it('peek(partial 1H bar) leaves the state alone and gives what update would give; update equals peek of the same bar', () => {
        for (const d of CORE_INDICATORS as readonly AnyDefinition[]) {
            const peeking = create(d, OPTIONS[d.id]);
            const plain = create(d, OPTIONS[d.id]);
            let minute = 0;
            hours.forEach((hour, h) => {
                // The forming bar after each minute of the hour, as the engine hands it to a strategy.
                let partial: Bar | undefined;
                const partials: Bar[] = [];
                for (; minute < m1.length && Math.floor(m1[minute].time / 3.6e9) * 3.6e9 === hour.time; minute++) {
                    const b = m1[minute];
                    partial = partial === undefined ? { ...b, time: hour.time }
                        : { ...partial, high: Math.max(partial.high, b.high), low: Math.min(partial.low, b.low), close: b.close, ticks: partial.ticks + 1 };
                    partials.push(partial);
                }
                const peeked = partials.map(p => peeking.peek!(p));
                const final = peeking.update(hour);
                expect(plain.update(hour), `${d.id} hour ${h}: peeking changed nothing`).to.deep.equal(final);
                expect(peeked[peeked.length - 1], `${d.id} hour ${h}: peek of the completed bar`).to.deep.equal(final);
                if (h % 700 === 350 && partials.length > 2) {
                    // A fresh state replaying the history and then closing the bar at the middle minute.
                    const k = Math.floor(partials.length / 2);
                    const replay = create(d, OPTIONS[d.id]);
                    hours.slice(0, h).forEach(b => replay.update(b));
                    expect(replay.update(partials[k]), `${d.id} hour ${h}: peek of a partial bar`).to.deep.equal(peeked[k]);
                }
            });
        }
    });

    it('keeps bounded state: nothing grows between 2,000 and 186,348 one-minute bars', () => {
        for (const d of CORE_INDICATORS as readonly AnyDefinition[]) {
            const state = create(d, OPTIONS[d.id]);
            m1.slice(0, 2000).forEach(b => state.update(b));
            const early = footprint(state);
            m1.slice(2000).forEach(b => state.update(b));
            expect(footprint(state), d.id).to.equal(early);
            expect(early, `${d.id} holds at most a few windows`).to.be.below(200);
        }
    });

    it('windowed indicators depend only on their window: a fresh state fed the last bars gives the same bits', () => {
        const cases: [AnyDefinition, number][] = [[sma, 20], [wma, 20], [bollinger, 20], [donchian, 20], [stochastic, 14 + 3 + 3 - 2]];
        for (const [d, window] of cases) {
            const full = create(d);
            let last: unknown;
            m1.forEach(b => { last = full.update(b); });
            const fresh = create(d);
            let tail: unknown;
            m1.slice(m1.length - window).forEach(b => { tail = fresh.update(b); });
            expect(tail, d.id).to.deep.equal(last);
        }
        // Equal windows reached along different paths tie exactly (the SMA-cross tie rule of issue 6).
        const a = new ExactWindow(10);
        const b = new ExactWindow(10);
        m1.slice(0, 5000).forEach(bar => a.update(bar.close));
        m1.slice(4990, 5000).forEach(bar => b.update(bar.close));
        expect(a.exactSum).to.equal(b.exactSum);
    });

    it('decides equal up and down moves as ties exactly, where float differences would not (ADX on real bars)', () => {
        let found = 0;
        for (let i = 1; i < m1.length && found < 20; i++) {
            const up = m1[i].high - m1[i - 1].high;
            const down = m1[i - 1].low - m1[i].low;
            const exactUp = Math.round(m1[i].high * 1e8) - Math.round(m1[i - 1].high * 1e8);
            const exactDown = Math.round(m1[i - 1].low * 1e8) - Math.round(m1[i].low * 1e8);
            if (exactUp === exactDown && exactUp > 0 && up !== down) {
                const adx = new AdxCalculation(1);
                adx.update(m1[i - 1].high, m1[i - 1].low, m1[i - 1].close);
                adx.update(m1[i].high, m1[i].low, m1[i].close);
                expect(adx.directional, `bar ${i}`).to.deep.include({ plusDi: 0, minusDi: 0 });
                found++;
            }
        }
        expect(found).to.equal(20);
    });

    it('restarts the VWAP at the day boundary, on any timeframe', () => {
        const days = aggregate(m1, 1440);
        const state = create(vwap, { weight: 'ticks' });
        for (const day of days) {
            expect(state.update(day)).to.be.closeTo((day.high + day.low + day.close) / 3, 1e-12);
        }
        const shifted = create(vwap, { weight: 'ticks', dayBoundaryMinutes: 22 * 60 });
        const plain = create(vwap, { weight: 'ticks' });
        const at = (s: IndicatorState<unknown>) => { let v: unknown; hours.slice(0, 47).forEach(b => { v = s.update(b); }); return v; };
        expect(at(shifted)).to.not.equal(at(plain));
    });

    it('rejects bad options and bad bars with messages naming the indicator and the field', () => {
        expect(() => create(sma as AnyDefinition, { period: 0 })).to.throw("core.sma: option 'period' must be an integer >= 1");
        expect(() => create(sma as AnyDefinition, { perod: 5 })).to.throw("core.sma: unknown option 'perod'");
        expect(() => create(sma as AnyDefinition, { source: 'hl2' })).to.throw("core.sma: option 'source' must be one of");
        expect(() => create(CORE_INDICATORS[6] as AnyDefinition, { fast: 26, slow: 12 })).to.throw('1 <= fast < slow');
        expect(() => create(vwap as AnyDefinition, { dayBoundaryMinutes: 1440 })).to.throw('0..1439');
        const bar: Bar = { time: 0, open: 1, high: 1, low: 2, close: 1, volume: 0, ticks: 1 };
        expect(() => create(CORE_INDICATORS[4] as AnyDefinition).update(bar)).to.throw('ATR: bar high 1 is below its low 2');
        expect(() => create(sma as AnyDefinition).update({ ...bar, close: NaN })).to.throw('finite');
        expect(() => new RollingExtreme(3, 'max').update(NaN)).to.throw('NaN');
        expect(() => create(CORE_INDICATORS[4] as AnyDefinition).update({ ...bar, high: 1e9, low: 1e9, close: 1e9 })).to.throw('ATR high 1000000000 is too large');
    });
});
