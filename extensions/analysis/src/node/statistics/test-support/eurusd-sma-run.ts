// *****************************************************************************
// Test support: a deterministic "real run" derived at test time from the HistData EURUSD
// 1-minute bars in ../shared/data/eurusd-m1-2017h1 (read, never copied).
//
// Long-only SMA(10/30) cross: at each bar close the strategy wants to be long when
// SMA10 > SMA30 (compared exactly in integer millionths: 30 * sum10 > 10 * sum30),
// flat otherwise; the order fills at the next bar's open, 1 pip-tenth (0.00001) worse
// (slippage) plus a commission of 2.5 per fill; size 100,000. Equity is marked at every
// bar close (cash + position * close); an open position is closed at the last close.
// HistData times are fixed UTC-5: UTC = local + 5 h. Bar time = start of the minute;
// samples are stamped at the bar's close (start + 1 minute).
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import { ClosedTrade } from '../../../common/statistics/statistics-types';

export const SHARED_DATA = process.env.BACKTESTR_DATA_DIR ?? path.resolve(__dirname, '../../../../../../../shared/data');
export const EURUSD_M1_DIR = path.join(SHARED_DATA, 'eurusd-m1-2017h1');

const MINUTE = 60_000_000;
const SIZE = 100_000;
const TICK = 0.00001;
const COMMISSION = 2.5;

export interface M1Bars {
    /** Bar start, UnixMicros UTC. */
    readonly time: Float64Array;
    /** Prices in integer millionths. */
    readonly open: Int32Array;
    readonly high: Int32Array;
    readonly low: Int32Array;
    readonly close: Int32Array;
}

export function readEurusdM1(dir = EURUSD_M1_DIR): M1Bars {
    const files = fs.readdirSync(dir).filter(f => f.endsWith('.csv')).sort();
    const time: number[] = [];
    const o: number[] = [];
    const h: number[] = [];
    const l: number[] = [];
    const c: number[] = [];
    const millionths = (s: string) => Math.round(Number(s) * 1e6);
    for (const file of files) {
        for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
            if (line.trim() === '') {
                continue;
            }
            const [stamp, open, high, low, close] = line.split(';');
            const local = Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8),
                +stamp.slice(9, 11), +stamp.slice(11, 13), +stamp.slice(13, 15));
            time.push((local + 5 * 3_600_000) * 1000);
            o.push(millionths(open));
            h.push(millionths(high));
            l.push(millionths(low));
            c.push(millionths(close));
        }
    }
    return {
        time: Float64Array.from(time), open: Int32Array.from(o), high: Int32Array.from(h),
        low: Int32Array.from(l), close: Int32Array.from(c)
    };
}

export interface SmaCrossRun {
    readonly initialCapital: number;
    readonly time: Float64Array;
    readonly equity: Float64Array;
    /** Position held from each sample to the next. */
    readonly exposure: Float64Array;
    readonly trades: ClosedTrade[];
    readonly benchmarkTime: Float64Array;
    readonly benchmarkClose: Float64Array;
}

export function smaCrossRun(bars: M1Bars, fast = 10, slow = 30, initialCapital = 100_000): SmaCrossRun {
    const n = bars.time.length;
    const time = new Float64Array(n);
    const equity = new Float64Array(n);
    const exposure = new Float64Array(n);
    const benchmarkClose = new Float64Array(n);
    const trades: ClosedTrade[] = [];
    let cash = initialCapital;
    let position = 0;
    let pending = 0;
    let sumFast = 0;
    let sumSlow = 0;
    let entry = { bar: 0, price: 0, worst: 0, best: 0 };
    const exit = (bar: number, price: number, when: number) => {
        cash += SIZE * price - COMMISSION;
        entry.worst = Math.min(entry.worst, price);
        entry.best = Math.max(entry.best, price);
        trades.push({
            id: trades.length + 1, side: 'long',
            entryTime: bars.time[entry.bar], exitTime: when,
            entryPrice: entry.price, exitPrice: price, quantity: SIZE,
            pnl: SIZE * (price - entry.price) - 2 * COMMISSION,
            commission: 2 * COMMISSION, slippage: 2 * TICK * SIZE,
            mae: Math.max(0, (entry.price - entry.worst) * SIZE),
            mfe: Math.max(0, (entry.best - entry.price) * SIZE),
            barsHeld: bar - entry.bar
        });
        position = 0;
    };
    for (let i = 0; i < n; i++) {
        const open = bars.open[i] / 1e6;
        if (pending === 1) {
            const price = open + TICK;
            cash -= SIZE * price + COMMISSION;
            position = SIZE;
            entry = { bar: i, price, worst: price, best: price };
        } else if (pending === -1) {
            exit(i, open - TICK, bars.time[i]);
        }
        pending = 0;
        if (position !== 0) {
            entry.worst = Math.min(entry.worst, bars.low[i] / 1e6);
            entry.best = Math.max(entry.best, bars.high[i] / 1e6);
        }
        sumFast += bars.close[i] - (i >= fast ? bars.close[i - fast] : 0);
        sumSlow += bars.close[i] - (i >= slow ? bars.close[i - slow] : 0);
        const close = bars.close[i] / 1e6;
        time[i] = bars.time[i] + MINUTE;
        benchmarkClose[i] = close;
        if (i + 1 === n) {
            if (position !== 0) {
                exit(i + 1, close - TICK, time[i]);
            }
        } else if (i + 1 >= slow) {
            const wantLong = slow * sumFast > fast * sumSlow;
            if (wantLong && position === 0) {
                pending = 1;
            } else if (!wantLong && position !== 0) {
                pending = -1;
            }
        }
        equity[i] = cash + position * close;
        exposure[i] = pending === 1 ? SIZE : pending === -1 ? 0 : position;
    }
    return { initialCapital, time, equity, exposure, trades, benchmarkTime: time, benchmarkClose };
}
