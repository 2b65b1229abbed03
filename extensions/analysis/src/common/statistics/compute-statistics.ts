// *****************************************************************************
// computeStatistics(): the final statistics of a finished run, from columns.
// It feeds the StatisticsAccumulator, so the live snapshot at the end of a run and the
// final figures are the same numbers (one code path, no drift).
// *****************************************************************************

import { StatisticsAccumulator } from './statistics-accumulator';
import { ClosedTrade, StatisticsInput, StatisticsReport, TradeColumns } from './statistics-types';

export function isTradeColumns(trades: TradeColumns | readonly ClosedTrade[]): trades is TradeColumns {
    return !Array.isArray(trades);
}

/** Row `i` of trade columns as a plain record (side: +1 long, -1 short). */
export function tradeAt(columns: TradeColumns, i: number): ClosedTrade {
    const side = columns.side[i];
    if (side !== 1 && side !== -1) {
        throw new RangeError(`trade ${i}: side must be 1 (long) or -1 (short), got ${side}`);
    }
    return {
        id: columns.id[i],
        side: side === 1 ? 'long' : 'short',
        entryTime: columns.entryTime[i],
        exitTime: columns.exitTime[i],
        entryPrice: columns.entryPrice[i],
        exitPrice: columns.exitPrice[i],
        quantity: columns.quantity[i],
        pnl: columns.pnl[i],
        commission: columns.commission[i],
        slippage: columns.slippage[i],
        mae: columns.mae[i],
        mfe: columns.mfe[i],
        barsHeld: columns.barsHeld[i]
    };
}

export function computeStatistics(input: StatisticsInput): StatisticsReport {
    const acc = new StatisticsAccumulator(input.initialCapital, input.config);
    const { time, equity, exposure } = input.equity;
    if (equity.length !== time.length || (exposure !== undefined && exposure.length !== time.length)) {
        throw new RangeError(`equity columns differ in length: time ${time.length}, equity ${equity.length}` +
            (exposure ? `, exposure ${exposure.length}` : ''));
    }
    for (let i = 0; i < time.length; i++) {
        acc.addEquity(time[i], equity[i], exposure === undefined ? undefined : exposure[i]);
    }
    const trades = input.trades;
    if (isTradeColumns(trades)) {
        for (let i = 0; i < trades.pnl.length; i++) {
            acc.addTrade(tradeAt(trades, i));
        }
    } else {
        for (const trade of trades) {
            acc.addTrade(trade);
        }
    }
    if (input.benchmark !== undefined) {
        const { time: bt, close } = input.benchmark;
        if (bt.length !== close.length) {
            throw new RangeError(`benchmark columns differ in length: time ${bt.length}, close ${close.length}`);
        }
        for (let i = 0; i < bt.length; i++) {
            acc.addBenchmark(bt[i], close[i]);
        }
    }
    return acc.snapshot();
}
