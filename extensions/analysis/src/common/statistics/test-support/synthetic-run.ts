// *****************************************************************************
// Test support: small hand-made runs for the edge cases (no trades, one trade, all
// winners, all losers, shorter than a day, flat). Equity is sampled every `step` and
// equals the initial capital plus the P&L of the trades closed so far plus the
// unrealised P&L of an open trade, interpolated linearly between its entry and exit.
// *****************************************************************************

import { ClosedTrade, StatisticsInput, UnixMicros } from '../statistics-types';
import { ReferenceInput } from './reference-statistics';

export const HOUR: UnixMicros = 3_600_000_000;
/** 2017-01-02 00:00 UTC, a Monday. */
export const T0: UnixMicros = Date.UTC(2017, 0, 2) * 1000;

export function trade(id: number, side: 'long' | 'short', entryHour: number, exitHour: number, pnl: number,
    extra: Partial<ClosedTrade> = {}): ClosedTrade {
    return {
        id, side,
        entryTime: T0 + entryHour * HOUR,
        exitTime: T0 + exitHour * HOUR,
        entryPrice: 100, exitPrice: 100 + pnl / 10, quantity: 10,
        pnl, commission: 1, slippage: 0.5,
        mae: Math.max(0, -pnl) + 2, mfe: Math.max(0, pnl) + 3,
        barsHeld: exitHour - entryHour,
        ...extra
    };
}

export interface SyntheticRun {
    readonly input: StatisticsInput;
    readonly reference: ReferenceInput;
}

export function syntheticRun(trades: readonly ClosedTrade[], hours: number, step: UnixMicros = HOUR,
    initialCapital = 10_000): SyntheticRun {
    const time: number[] = [];
    const equity: number[] = [];
    const exposure: number[] = [];
    for (let t = T0; t <= T0 + hours * HOUR; t += step) {
        let e = initialCapital;
        let x = 0;
        for (const tr of trades) {
            if (tr.exitTime <= t) {
                e += tr.pnl;
            } else if (tr.entryTime <= t) {
                e += tr.pnl * (t - tr.entryTime) / (tr.exitTime - tr.entryTime);
                x += tr.side === 'long' ? tr.quantity : -tr.quantity;
            }
        }
        time.push(t);
        equity.push(e);
        exposure.push(x);
    }
    const benchmarkClose = time.map((_, i) => 100 + Math.sin(i / 5) * 3 + i * 0.01);
    return {
        input: {
            initialCapital,
            equity: { time: Float64Array.from(time), equity: Float64Array.from(equity) },
            trades,
            benchmark: { time: Float64Array.from(time), close: Float64Array.from(benchmarkClose) }
        },
        reference: { initialCapital, time, equity, trades, benchmarkTime: time, benchmarkClose }
    };
}
