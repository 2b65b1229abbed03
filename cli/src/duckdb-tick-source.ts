// *****************************************************************************
// The ticks of a workspace dataset as a strategy run's tick source: data-import's batch
// stream (time as int64 microseconds, prices as tick counts, the next batch read while this
// one is processed) converted to the engine's batches (prices as decimals, converted in
// place), one fresh set of arrays per batch so they can be transferred to the run's worker.
// *****************************************************************************

import { DatasetKey, Instrument, TickColumns } from '@backtestr/data-import';
import { TickRepository } from '@backtestr/data-import/lib/node/tick-repository';
import { TickBatch } from '@backtestr/plugins-sdk';

const TWO_32 = 4294967296;

/** Tick size as mantissa / 10^exponent, so a tick count converts to the nearest double of its decimal price. */
export function tickScale(tickSize: number): { mantissa: number; divisor: number } {
    let exponent = 0;
    while (exponent < 15 && Math.abs(Math.round(tickSize * 10 ** exponent) - tickSize * 10 ** exponent) > 1e-9 * 10 ** exponent) {
        exponent++;
    }
    return { mantissa: Math.round(tickSize * 10 ** exponent), divisor: 10 ** exponent };
}

/** Float64 microseconds (exact integers below 2^53) to int64, through 32-bit halves: no BigInt per tick. */
export function toInt64Micros(time: Float64Array): BigInt64Array {
    const out = new BigInt64Array(time.length);
    const words = new Uint32Array(out.buffer);
    for (let i = 0; i < time.length; i++) {
        const t = time[i];
        const hi = Math.floor(t / TWO_32);
        words[2 * i] = t - hi * TWO_32;
        words[2 * i + 1] = hi;
    }
    return out;
}

function toPrices(ticks: Float64Array, scale: { mantissa: number; divisor: number }): Float64Array {
    const out = new Float64Array(ticks.length);
    const { mantissa, divisor } = scale;
    for (let i = 0; i < ticks.length; i++) {
        out[i] = ticks[i] * mantissa / divisor;
    }
    return out;
}

export function tickBatchFromColumns(columns: TickColumns, scale: { mantissa: number; divisor: number }): TickBatch {
    return {
        time: toInt64Micros(columns.time),
        price: columns.price && toPrices(columns.price, scale),
        bid: columns.bid && toPrices(columns.bid, scale),
        ask: columns.ask && toPrices(columns.ask, scale),
        // Sizes are copied only when their array is shared; otherwise they are handed over as read.
        size: columns.size && (columns.size.byteLength === columns.size.buffer.byteLength ? columns.size : columns.size.slice())
    };
}

/** Tick counts to decimal prices in place (the same `ticks * mantissa / divisor` as `toPrices`): the array is the batch's own. */
function toPricesInPlace(ticks: Float64Array, scale: { mantissa: number; divisor: number }): Float64Array {
    const { mantissa, divisor } = scale;
    for (let i = 0; i < ticks.length; i++) {
        ticks[i] = ticks[i] * mantissa / divisor;
    }
    return ticks;
}

/**
 * Streams a dataset in [from, to) as engine batches of whole UTC days (about `batchRows` ticks each):
 * times as read (int64), prices converted in place, every column its own buffer, ready to transfer.
 */
export async function* duckdbTickSource(repo: TickRepository, key: DatasetKey, instrument: Instrument,
    options: { from?: number; to?: number; batchRows?: number } = {}): AsyncGenerator<TickBatch> {
    const scale = tickScale(instrument.tickSize);
    for await (const columns of repo.streamTickBatches(key, options)) {
        if (columns.count > 0) {
            yield {
                time: columns.time,
                price: columns.price && toPricesInPlace(columns.price, scale),
                bid: columns.bid && toPricesInPlace(columns.bid, scale),
                ask: columns.ask && toPricesInPlace(columns.ask, scale),
                size: columns.size
            };
        }
    }
}
