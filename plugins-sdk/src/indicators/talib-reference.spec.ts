// Our calculations against the expected values of TA-Lib's own regression tests (ta_regtest), on TA-Lib's
// 252-bar reference series; both are read from the installed `talib` npm package at test time.
//
// How a table row is checked: TA-Lib's output k of a call is bar expectedBegIdx + k. TA-Lib starts its
// computation `lookback` bars before the first output (lookback = its warm-up + the unstable period), so
// a row whose startIdx lies past the lookback is reproduced by feeding our calculation from bar
// startIdx - lookback, every other row from bar 0. Our warm-up (bars before the first defined value)
// must equal TA-Lib's lookback with no unstable period: that is checked on every row too.
// Tolerance: one unit in the last decimal the expected value is written with (TA-Lib's tables truncate or
// round), and never looser than TA-Lib's own check (0.01, CHECK_EXPECTED_VALUE in test_util.c).
import { expect } from 'chai';
import { AdxCalculation } from './adx-calculation';
import { AtrCalculation } from './atr-calculation';
import { BollingerCalculation } from './bollinger-calculation';
import { DonchianCalculation } from './donchian-calculation';
import { EmaCalculation } from './ema-calculation';
import { ExactWindow } from './exact-window';
import { MacdCalculation } from './macd-calculation';
import { RsiCalculation } from './rsi-calculation';
import { StochasticCalculation } from './stochastic-calculation';
import { Cell, ReferenceSeries, Row, name, num, readReferenceSeries, readRegtestSource, tableRows } from './test-support/talib-regtest';
import { WmaCalculation } from './wma-calculation';

/** Our outputs for bars start..n-1 (index = bar; earlier bars undefined), one array per expected output. */
type Outputs = (number | undefined)[][];
type Compute = (s: ReferenceSeries, row: Row, start: number) => Outputs;

interface Suite {
    readonly file: string;
    readonly title: string;
    /** The input arrays the C test feeds (checked against its setInputBuffer/testParam lines). */
    readonly inputs: readonly (keyof ReferenceSeries)[];
    readonly select: (row: Row) => boolean;
    /** Pairs of (index field, value field) of the expected outputs, in the order `compute` returns them. */
    readonly expected: readonly (readonly [string, string])[];
    readonly compute: Compute;
}

/** Runs a per-bar function from `start` and collects `outputs` arrays of values indexed by bar. */
function collect(n: number, start: number, outputs: number, step: (bar: number) => (number | undefined)[] | undefined): Outputs {
    const result: Outputs = Array.from({ length: outputs }, () => new Array<number | undefined>(n).fill(undefined));
    for (let bar = start; bar < n; bar++) {
        const values = step(bar);
        if (values) {
            values.forEach((v, k) => { result[k][bar] = v; });
        }
    }
    return result;
}

function closeSeries(make: (row: Row) => { update(x: number): number | undefined }): Compute {
    return (s, row, start) => {
        const c = make(row);
        return collect(s.close.length, start, 1, bar => [c.update(s.close[bar])]);
    };
}

const maType = (row: Row) => name(row, 'optInMAType_1');
const isDefault = (row: Row) => name(row, 'compatibility') === 'TA_COMPATIBILITY_DEFAULT';
const succeeds = (row: Row) => name(row, 'expectedRetCode') === 'TA_SUCCESS' && num(row, 'expectedNbElement') > 0;

const SUITES: Suite[] = [
    {
        file: 'test_ma.c', title: 'SMA (MA type SMA)', inputs: ['close'],
        select: r => maType(r) === 'TA_MAType_SMA', expected: [['oneOfTheExpectedOutRealIndex', 'oneOfTheExpectedOutReal']],
        compute: closeSeries(r => new ExactWindow(num(r, 'optInTimePeriod')))
    },
    {
        file: 'test_ma.c', title: 'EMA (MA type EMA, classic compatibility)', inputs: ['close'],
        select: r => maType(r) === 'TA_MAType_EMA' && isDefault(r), expected: [['oneOfTheExpectedOutRealIndex', 'oneOfTheExpectedOutReal']],
        compute: closeSeries(r => new EmaCalculation(num(r, 'optInTimePeriod')))
    },
    {
        file: 'test_ma.c', title: 'WMA (MA type WMA)', inputs: ['close'],
        select: r => maType(r) === 'TA_MAType_WMA', expected: [['oneOfTheExpectedOutRealIndex', 'oneOfTheExpectedOutReal']],
        compute: closeSeries(r => new WmaCalculation(num(r, 'optInTimePeriod')))
    },
    {
        file: 'test_rsi.c', title: 'RSI (classic compatibility)', inputs: ['close'],
        select: r => name(r, 'theFunction') === 'TA_RSI_TEST' && isDefault(r), expected: [['oneOfTheExpectedOutRealIndex0', 'oneOfTheExpectedOutReal0']],
        compute: closeSeries(r => new RsiCalculation(num(r, 'optInTimePeriod')))
    },
    {
        file: 'test_trange.c', title: 'ATR (and TRANGE as ATR(1))', inputs: ['high', 'low', 'close'],
        select: () => true, expected: [['oneOfTheExpectedOutRealIndex', 'oneOfTheExpectedOutReal']],
        compute: (s, r, start) => {
            const atr = new AtrCalculation(num(r, 'doAverage') === 1 ? num(r, 'optInTimePeriod') : 1);
            return collect(s.close.length, start, 1, bar => [atr.update(s.high[bar], s.low[bar], s.close[bar])]);
        }
    },
    {
        file: 'test_bbands.c', title: 'Bollinger Bands (MA type SMA, equal multipliers)', inputs: ['close'],
        select: r => name(r, 'optInMethod_3') === 'TA_MAType_SMA' && num(r, 'optInNbDevUp') === num(r, 'optInNbDevDn'),
        expected: [['oneOfTheExpectedOutRealIndex0', 'oneOfTheExpectedOutReal0'], ['oneOfTheExpectedOutRealIndex1', 'oneOfTheExpectedOutReal1'],
            ['oneOfTheExpectedOutRealIndex2', 'oneOfTheExpectedOutReal2']],
        compute: (s, r, start) => {
            const bb = new BollingerCalculation(num(r, 'optInTimePeriod'), num(r, 'optInNbDevUp'));
            return collect(s.close.length, start, 3, bar => {
                const v = bb.update(s.close[bar]);
                return v && [v.upper, v.middle, v.lower];
            });
        }
    },
    {
        file: 'test_macd.c', title: "MACD (classic, fast < slow, our 'aligned' seeding)", inputs: ['close'],
        select: r => name(r, 'testId') === 'TA_MACD_TEST' && num(r, 'optInFastPeriod') < num(r, 'optInSlowPeriod'),
        expected: [['oneOfTheExpectedOutRealIndex0', 'oneOfTheExpectedOutReal0'], ['oneOfTheExpectedOutRealIndex1', 'oneOfTheExpectedOutReal1'],
            ['oneOfTheExpectedOutRealIndex2', 'oneOfTheExpectedOutReal2']],
        compute: (s, r, start) => {
            const m = new MacdCalculation(num(r, 'optInFastPeriod'), num(r, 'optInSlowPeriod'), num(r, 'optInSignalPeriod_2'), 'aligned');
            return collect(s.close.length, start, 3, bar => {
                const v = m.update(s.close[bar]);
                return v && [v.macd, v.signal, v.histogram];
            });
        }
    },
    {
        file: 'test_stoch.c', title: 'Stochastic (STOCH, SMA smoothing)', inputs: ['high', 'low', 'close'],
        select: r => name(r, 'testId') === 'TEST_STOCH' && name(r, 'optInMAType_1') === 'TA_MAType_SMA' && name(r, 'optInMAType_2') === 'TA_MAType_SMA',
        expected: [['oneOfTheExpectedOutRealIndex0', 'oneOfTheExpectedOutReal0'], ['oneOfTheExpectedOutRealIndex1', 'oneOfTheExpectedOutReal1']],
        compute: (s, r, start) => {
            const st = new StochasticCalculation(num(r, 'optInPeriod_0'), num(r, 'optInPeriod_1'), num(r, 'optInPeriod_2'));
            return collect(s.close.length, start, 2, bar => {
                const v = st.update(s.high[bar], s.low[bar], s.close[bar]);
                return v && [v.k, v.d];
            });
        }
    },
    {
        file: 'test_adx.c', title: 'ADX, +DI, -DI and DX', inputs: ['high', 'low', 'close'],
        // TA-Lib's PLUS_DI/MINUS_DI special-case period 1 and return DM/TR there, a fraction, not a percentage
        // (ta_PLUS_DI.c: `outReal = diffP/tempReal`); we return percentages at every period, so those rows are left out.
        select: r => ['TST_ADX', 'TST_PLUS_DI', 'TST_MINUS_DI', 'TST_DX'].includes(name(r, 'id')) && num(r, 'optInTimePeriod') > 1,
        expected: [['oneOfTheExpectedOutRealIndex0', 'oneOfTheExpectedOutReal0']],
        compute: (s, r, start) => {
            const adx = new AdxCalculation(num(r, 'optInTimePeriod'));
            const which = name(r, 'id');
            return collect(s.close.length, start, 1, bar => {
                const v = adx.update(s.high[bar], s.low[bar], s.close[bar]);
                const d = adx.directional;
                return [which === 'TST_ADX' ? v?.adx : which === 'TST_PLUS_DI' ? d?.plusDi : which === 'TST_MINUS_DI' ? d?.minusDi : d?.dx];
            });
        }
    },
    {
        file: 'test_minmax.c', title: 'MIN/MAX as the Donchian lower/upper line (TA-Lib feeds the open)', inputs: ['open'],
        select: r => ['TA_MIN_TEST', 'TA_MAX_TEST'].includes(name(r, 'theFunction')),
        expected: [['oneOfTheExpectedOutRealIndex0', 'oneOfTheExpectedOutReal0']],
        compute: (s, r, start) => {
            const channel = new DonchianCalculation(num(r, 'optInTimePeriod'));
            const max = name(r, 'theFunction') === 'TA_MAX_TEST';
            return collect(s.open.length, start, 1, bar => {
                const v = channel.update(s.open[bar], s.open[bar]);
                return [max ? v?.upper : v?.lower];
            });
        }
    }
];

/**
 * Table entries that agree with us only within TA-Lib's own 0.01 check, not to their last written decimal.
 * Each was recomputed from the definition (the textbook formulas of textbook-reference.ts agree with us):
 *  - test_ma.c WMA(30): the entries for output 221 (bar 250) and 222 (bar 251) are swapped: the WMA is
 *    109.34665 at bar 250 and 109.34129 at bar 251; the table has 109.3413 and 109.3466.
 *  - test_stoch.c STOCH(5,3,3): slow %K at bar 8 is 24.01218; the table has 24.0128 (its %D 36.254 at the
 *    same bar is the mean of 24.01218 and the two earlier slow %K, not of 24.0128).
 *  - test_adx.c PLUS_DI(14) at bar 251 and ADX(14) at bar 27: +DI is 20.99955 and ADX 22.99931 (TA-Lib's
 *    own float algorithm, replayed step for step, gives the same); the table has 21.0000 and 23.0000, the
 *    values of its older integer-rounding table (21.0, 23.0) written with four decimals.
 * The test fails if any other entry needs the loose tolerance, or if one of these stops needing it.
 */
const LOOSE_ENTRIES = new Set([
    'test_ma.c oneOfTheExpectedOutReal=109.3413 @ bar 250',
    'test_ma.c oneOfTheExpectedOutReal=109.3466 @ bar 251',
    'test_stoch.c oneOfTheExpectedOutReal0=24.0128 @ bar 8',
    'test_adx.c oneOfTheExpectedOutReal0=21 @ bar 251',
    'test_adx.c oneOfTheExpectedOutReal0=23 @ bar 27'
]);
const TALIB_OWN_TOLERANCE = 0.01;

/** One unit in the last written decimal, never looser than TA-Lib's own 0.01. */
function tolerance(cell: Cell): number {
    return Math.min(0.01, 10 ** -cell.decimals);
}

describe('built-in indicators against TA-Lib regression-test values (talib npm package, ta_regtest)', () => {
    const series = readReferenceSeries();
    const summary: string[] = [];

    it('reads the 252-bar reference series from test_data.c', () => {
        for (const field of ['open', 'high', 'low', 'close', 'volume'] as const) {
            expect(series[field]).to.have.length(252);
        }
        expect(series.close[0]).to.equal(91.5);
        expect(series.open[251]).to.equal(109.19);
    });

    for (const suite of SUITES) {
        it(`${suite.title}: ${suite.file}`, () => {
            const source = readRegtestSource(`ta_test_func/${suite.file}`);
            for (const input of suite.inputs) {
                expect(source, `${suite.file} feeds history->${input}`).to.match(new RegExp(`history->${input}\\b`));
            }
            const rows = tableRows(source, 'TA_Test', 'tableTest').filter(r => succeeds(r) && suite.select(r));
            expect(rows.length, 'rows selected').to.be.greaterThan(0);
            let checked = 0;
            let worst = 0;
            let loose = 0;
            for (const row of rows) {
                const unstable = row.unstablePeriod ? num(row, 'unstablePeriod') : 0;
                const warmUp = suite.compute(series, row, 0)[0].findIndex(v => v !== undefined);
                const lookback = warmUp + unstable;
                const startIdx = num(row, 'startIdx');
                const begIdx = num(row, 'expectedBegIdx');
                const start = startIdx <= lookback ? 0 : startIdx - lookback;
                expect(begIdx, `first output bar of ${JSON.stringify(row)}`).to.equal(Math.max(startIdx, lookback));
                const outputs = suite.compute(series, row, start);
                suite.expected.forEach(([indexField, valueField], k) => {
                    const index = num(row, indexField);
                    if (index >= num(row, 'expectedNbElement')) {
                        return;
                    }
                    const expected = row[valueField];
                    const actual = outputs[k][begIdx + index];
                    const where = `${suite.file} ${valueField} at bar ${begIdx + index} (start ${start}, row ${JSON.stringify(Object.fromEntries(Object.entries(row).map(([f, c]) => [f, c.value])))})`;
                    expect(actual, where).to.be.a('number');
                    const diff = Math.abs((actual as number) - (expected.value as number));
                    if (LOOSE_ENTRIES.has(`${suite.file} ${valueField}=${expected.value} @ bar ${begIdx + index}`)) {
                        expect(diff, `${where} needs TA-Lib's own tolerance`).to.be.above(tolerance(expected)).and.at.most(TALIB_OWN_TOLERANCE);
                        loose++;
                    } else {
                        expect(diff, where).to.be.at.most(tolerance(expected));
                        worst = Math.max(worst, diff / tolerance(expected));
                    }
                    checked++;
                });
            }
            summary.push(`${suite.title}: ${checked} values from ${rows.length} rows, worst |diff| = ${worst.toFixed(3)} of the last written decimal`
                + (loose > 0 ? `; ${loose} known table entr${loose === 1 ? 'y' : 'ies'} within TA-Lib's own 0.01 only` : ''));
        });
    }

    it("documents the one definition we changed: our default MACD ('independent' seeding) converges to TA-Lib's", () => {
        const aligned = new MacdCalculation(12, 26, 9, 'aligned');
        const independent = new MacdCalculation(12, 26, 9);
        const diffs: number[] = [];
        for (const close of series.close) {
            const a = aligned.update(close);
            const b = independent.update(close);
            if (a && b) {
                diffs.push(Math.abs(a.macd - b.macd));
            }
        }
        // TA-Lib's first MACD value (bar 33) differs from EMA(12) - EMA(26) by more than its own 0.01 check ...
        expect(diffs[0]).to.be.greaterThan(0.01);
        // ... and the difference decays geometrically: negligible 100 bars later.
        expect(diffs[100]).to.be.lessThan(1e-6);
        summary.push(`MACD 12/26/9 'independent' vs TA-Lib ('aligned'): |diff| ${diffs[0].toFixed(4)} at bar 33, ${diffs[100].toExponential(1)} at bar 133`);
    });

    after(() => {
        for (const line of summary) {
            process.stdout.write(`      [talib] ${line}\n`);
        }
    });
});

declare const process: { stdout: { write(text: string): void } };
