// *****************************************************************************
// BacktestData on the workspace database: the tick repository's day-batch stream (times as
// int64, prices as tick counts, the next batch read while this one is processed) with the
// prices converted to decimals in place.
// *****************************************************************************

import { BacktestData, BacktestDataset, OhlcBatch, PriceBatch } from '../common/backtest-data-protocol';
import { DatasetKind, UnixMicros } from '../common/workspace-store-protocol';
import { tickScale, ticksToPricesInPlace, toInt64Micros } from '@backtestr/engine-core';
import { TickRepository } from './tick-repository';
import { WorkspaceDatabase } from './workspace-database';

export class BacktestDataImpl implements BacktestData {
    protected readonly database: () => Promise<WorkspaceDatabase>;

    constructor(database: WorkspaceDatabase | (() => Promise<WorkspaceDatabase>)) {
        this.database = typeof database === 'function' ? database : async () => database;
    }

    async resolve(symbolArg: string, kind?: DatasetKind): Promise<BacktestDataset> {
        const db = await this.database();
        const repo = new TickRepository(db);
        const [symbol, venue] = symbolArg.split('@');
        const instrument = await repo.findInstrument(symbol.toUpperCase(), venue);
        if (!instrument) {
            const known = (await repo.listInstruments()).map(i => `${i.symbol}@${i.venue}`);
            throw new Error(`No instrument ${symbolArg} in ${db.path}; it has ${known.join(', ') || 'none (import data first)'}.`);
        }
        const datasets = (await repo.listDatasets()).filter(d => d.instrumentId === instrument.id);
        const dataset = kind ? datasets.find(d => d.kind === kind) : datasets.find(d => d.kind === 'trades') ?? datasets.find(d => d.kind === 'quotes');
        if (!dataset) {
            throw new Error(`${instrument.symbol}@${instrument.venue} has no ${kind ?? 'tick'} data in ${db.path}` +
                (datasets.length ? `; it has ${datasets.map(d => d.kind).join(', ')}.` : '; import some first.'));
        }
        return { instrument, dataset };
    }

    async *streamTicks(target: BacktestDataset, options: { from?: UnixMicros; to?: UnixMicros; batchRows?: number } = {}): AsyncGenerator<PriceBatch> {
        const repo = new TickRepository(await this.database());
        const scale = tickScale(target.instrument.tickSize);
        const key = { instrumentId: target.instrument.id, kind: target.dataset.kind };
        for await (const columns of repo.streamTickBatches(key, options)) {
            if (columns.count > 0) {
                yield {
                    time: columns.time,
                    price: columns.price && ticksToPricesInPlace(columns.price, scale),
                    bid: columns.bid && ticksToPricesInPlace(columns.bid, scale),
                    ask: columns.ask && ticksToPricesInPlace(columns.ask, scale),
                    // Quotes without sizes (FX) leave the column out rather than sending NaN sizes; a batch with some sizes keeps them all.
                    size: columns.size.every(Number.isNaN) ? undefined : columns.size
                };
            }
        }
    }

    async readBars(target: BacktestDataset, timeframe: string, from?: UnixMicros, to?: UnixMicros): Promise<OhlcBatch> {
        const repo = new TickRepository(await this.database());
        const scale = tickScale(target.instrument.tickSize);
        const bars = await repo.readBars({ instrumentId: target.instrument.id, kind: target.dataset.kind }, timeframe, from, to);
        return {
            time: toInt64Micros(bars.time), open: ticksToPricesInPlace(bars.open, scale), high: ticksToPricesInPlace(bars.high, scale),
            low: ticksToPricesInPlace(bars.low, scale), close: ticksToPricesInPlace(bars.close, scale), volume: bars.volume
        };
    }

    async *streamBars(target: BacktestDataset, options: { from?: UnixMicros; to?: UnixMicros } = {}): AsyncGenerator<OhlcBatch> {
        if (target.dataset.kind !== 'bars') {
            throw new Error(`${target.instrument.symbol}: the ${target.dataset.kind} dataset holds ticks, not bars.`);
        }
        const repo = new TickRepository(await this.database());
        const scale = tickScale(target.instrument.tickSize);
        const key = { instrumentId: target.instrument.id, kind: target.dataset.kind };
        const timeframe = target.dataset.timeframe ?? '1m';
        const window = 30 * 86_400_000_000;
        const end = options.to ?? target.dataset.lastTime + 1;
        for (let from = options.from ?? target.dataset.firstTime; from < end; from += window) {
            const bars = await repo.readBars(key, timeframe, from, Math.min(from + window, end));
            if (bars.count > 0) {
                yield {
                    time: toInt64Micros(bars.time), open: ticksToPricesInPlace(bars.open, scale), high: ticksToPricesInPlace(bars.high, scale),
                    low: ticksToPricesInPlace(bars.low, scale), close: ticksToPricesInPlace(bars.close, scale), volume: bars.volume
                };
            }
        }
    }
}
