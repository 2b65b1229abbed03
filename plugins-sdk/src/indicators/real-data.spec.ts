// The built-in indicators, through their defineIndicator states, against the textbook implementations of
// test-support/textbook-reference.ts on real bars: EURUSD 1-minute bid bars of 2017 H1 (186,348 bars) and
// the same bars aggregated to 15m, 1H, 4H and 1D; VWAP also on the vendor's SPY 1-minute bars with volume.
// Every bar is compared: the same bars are undefined (warm-up), and values agree within the tolerance below.
import { expect } from 'chai';
import { IndicatorDefinition } from '../indicator';
import { Bar } from '../types';
import { CORE_INDICATORS, adx, atr, bollinger, donchian, ema, macd, rsi, sma, stochastic, vwap, wma } from './core-indicators';
import { aggregate, readEurusdM1, readSpyMinutes } from './test-support/real-bars';
import * as ref from './test-support/textbook-reference';

type Values = readonly (number | undefined)[];
interface Case {
    readonly definition: IndicatorDefinition<object, unknown>;
    readonly options: object;
    /** The textbook values for these bars, one number array per output (in the definition's output order). */
    readonly reference: (bars: readonly Bar[]) => Values[];
    /** Largest |ours - textbook| allowed, relative to max(1, |textbook|). */
    readonly tolerance: number;
}

const closes = (bars: readonly Bar[]) => bars.map(b => b.close);
function fields<T extends object>(values: readonly (T | undefined)[], keys: readonly (keyof T)[]): Values[] {
    return keys.map(k => values.map(v => (v === undefined ? undefined : (v[k] as unknown as number))));
}

/** Tolerances: 1e-12 where both sides are a few float operations apart; 1e-9 on 0..100 scales where the
 * textbook recursion runs in other units or %K is rounded to 1e-8 points in our exact smoothing windows. */
const CASES: Case[] = [
    { definition: sma, options: { period: 30 }, reference: b => [ref.smaRef(closes(b), 30)], tolerance: 1e-12 },
    { definition: ema, options: { period: 20 }, reference: b => [ref.emaRef(closes(b), 20)], tolerance: 1e-12 },
    { definition: wma, options: { period: 20 }, reference: b => [ref.wmaRef(closes(b), 20)], tolerance: 1e-12 },
    { definition: rsi, options: { period: 14 }, reference: b => [ref.rsiRef(closes(b), 14)], tolerance: 1e-9 },
    { definition: atr, options: { period: 14 }, reference: b => [ref.atrRef(b, 14)], tolerance: 1e-12 },
    { definition: bollinger, options: { period: 20, multiplier: 2 }, reference: b => fields(ref.bollingerRef(closes(b), 20, 2), ['upper', 'middle', 'lower']), tolerance: 1e-12 },
    { definition: macd, options: {}, reference: b => fields(ref.macdRef(closes(b), 12, 26, 9), ['macd', 'signal', 'histogram']), tolerance: 1e-12 },
    { definition: stochastic, options: {}, reference: b => fields(ref.stochasticRef(b, 14, 3, 3), ['k', 'd']), tolerance: 1e-8 },
    { definition: adx, options: {}, reference: b => fields(ref.adxRef(b, 14), ['adx', 'plusDi', 'minusDi']), tolerance: 1e-9 },
    { definition: vwap, options: { weight: 'ticks' }, reference: b => [ref.vwapRef(b, 0, 'ticks')], tolerance: 1e-12 },
    { definition: donchian, options: {}, reference: b => fields(ref.donchianRef(b, 20), ['upper', 'middle', 'lower']), tolerance: 0 }
];

/** Runs a definition over bars; one array per declared output. */
function run(definition: IndicatorDefinition<object, unknown>, options: object, bars: readonly Bar[]): Values[] {
    const state = definition.create({ ...definition.defaultOptions, ...options });
    const ids = definition.outputs.map(o => o.id);
    const out: (number | undefined)[][] = ids.map(() => []);
    for (const bar of bars) {
        const v = state.update(bar);
        ids.forEach((id, k) => {
            out[k].push(v === undefined ? undefined : typeof v === 'number' ? v : (v as Record<string, number>)[id]);
        });
    }
    return out;
}

function compare(label: string, ours: Values[], textbook: Values[], tolerance: number): number {
    expect(ours.length, label).to.equal(textbook.length);
    let worst = 0;
    ours.forEach((series, k) => {
        series.forEach((v, i) => {
            const r = textbook[k][i];
            if (r === undefined || v === undefined) {
                expect(v, `${label} output ${k} bar ${i}: defined on the same bars as the textbook`).to.equal(r);
                return;
            }
            expect(Number.isFinite(v), `${label} output ${k} bar ${i} is finite`).to.equal(true);
            const diff = Math.abs(v - r) / Math.max(1, Math.abs(r));
            if (diff > tolerance) {
                expect.fail(`${label} output ${k} bar ${i}: ours ${v}, textbook ${r} (relative diff ${diff} > ${tolerance})`);
            }
            worst = Math.max(worst, diff);
        });
    });
    return worst;
}

describe('built-in indicators against textbook implementations on real bars', function () {
    this.timeout(120_000);
    const m1 = readEurusdM1();
    const timeframes: [string, Bar[]][] = [['1m', m1], ['15m', aggregate(m1, 15)], ['1H', aggregate(m1, 60)], ['4H', aggregate(m1, 240)], ['1D', aggregate(m1, 1440)]];
    const summary: string[] = [];

    it('reads the whole EURUSD 2017 H1 set', () => {
        expect(m1).to.have.length(186_348);
        expect(timeframes.map(([, b]) => b.length).every(n => n > 100)).to.equal(true);
    });

    it('covers every built-in indicator', () => {
        expect(CASES.map(c => c.definition.id).sort()).to.deep.equal(CORE_INDICATORS.map(d => d.id).sort());
    });

    for (const c of CASES) {
        it(`${c.definition.id} equals the textbook values on EURUSD 1m, 15m, 1H, 4H and 1D bars`, () => {
            const worst: string[] = [];
            for (const [tf, bars] of timeframes) {
                const w = compare(`${c.definition.id} ${tf}`, run(c.definition, c.options, bars), c.reference(bars), c.tolerance);
                worst.push(`${tf} ${w.toExponential(1)}`);
            }
            summary.push(`${c.definition.id}: worst relative diff ${worst.join(', ')}`);
        });
    }

    it('core.vwap weighted by volume equals the textbook session VWAP on SPY minute bars (New York day)', () => {
        const spy = readSpyMinutes();
        expect(spy.length).to.be.greaterThan(4000);
        const options = { dayBoundaryMinutes: 240, weight: 'volume' };
        const ours = run(vwap, options, spy);
        const w = compare('core.vwap SPY', ours, [ref.vwapRef(spy, 240, 'volume')], 1e-12);
        // The sums restart each New York day: the first bar of each day has its own typical price as VWAP.
        const firstOfDay = spy.findIndex((b, i) => i > 0 && Math.floor((b.time / 60e6 - 240) / 1440) !== Math.floor((spy[i - 1].time / 60e6 - 240) / 1440));
        expect(ours[0][firstOfDay]).to.be.closeTo((spy[firstOfDay].high + spy[firstOfDay].low + spy[firstOfDay].close) / 3, 1e-9);
        summary.push(`core.vwap on SPY 1m with volume: worst relative diff ${w.toExponential(1)}`);
    });

    it('core.vwap weighted by volume is undefined (never NaN) on EURUSD bars, whose volume is always 0', () => {
        expect(run(vwap, {}, m1)[0].every(v => v === undefined)).to.equal(true);
    });

    after(() => summary.forEach(line => process.stdout.write(`      [textbook] ${line}\n`)));
});

declare const process: { stdout: { write(text: string): void } };
