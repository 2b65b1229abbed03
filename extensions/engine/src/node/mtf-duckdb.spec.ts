import { expect } from 'chai';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { MtfBar, MtfEngine, MtfEngineOptions } from '@backtestr/engine-core';
import { eurusdQuotes, hasData, spyTrades } from './test-support/lean-data';
import { parseTimeframe } from './test-support/reference-bars';

/**
 * Every timeframe of the engine equals an independent aggregation of the same ticks in
 * DuckDB SQL (time_bucket, arg_min / arg_max by arrival order), for the real SPY trades
 * and EURUSD quotes: completed bars after the whole data, and partial bars at cut points.
 */

interface Ticks { time: BigInt64Array; price: Float64Array; size: Float64Array }

type BarRow = Omit<MtfBar, 'time'>;

async function loadTicks(con: DuckDBConnection, ticks: Ticks): Promise<void> {
    await con.run('CREATE OR REPLACE TABLE ticks (seq BIGINT, t BIGINT, price DOUBLE, size DOUBLE)');
    const app = await con.createAppender('ticks');
    for (let i = 0; i < ticks.time.length; i++) {
        app.appendBigInt(BigInt(i));
        app.appendBigInt(ticks.time[i]);
        app.appendDouble(ticks.price[i]);
        app.appendDouble(ticks.size[i]);
        app.endRow();
    }
    app.closeSync();
}

/** Bars of one timeframe in SQL; `origin` aligns days and hours to the session start. */
async function sqlBars(con: DuckDBConnection, label: string, origin: string, where = 'true'): Promise<BarRow[]> {
    const { micros } = parseTimeframe(label);
    const reader = await con.runAndReadAll(`
        WITH b AS (
            SELECT time_bucket(to_microseconds(${micros}), make_timestamp(t), TIMESTAMP '${origin}') AS bucket, *
            FROM ticks WHERE ${where})
        SELECT arg_min(price, seq) AS open, max(price) AS high, min(price) AS low, arg_max(price, seq) AS close,
               sum(size) AS volume, count(*)::DOUBLE AS ticks,
               epoch_us(bucket) AS start, epoch_us(bucket) + ${micros} AS "end", max(t) AS lastTick
        FROM b GROUP BY bucket ORDER BY bucket`);
    return reader.getRowObjectsJS() as unknown as BarRow[];
}

function withoutTime(b: MtfBar | undefined): BarRow | undefined {
    if (!b) {
        return undefined;
    }
    const { time: _time, ...rest } = b;
    return rest;
}

async function compareWithDuckDB(ticks: Ticks, options: MtfEngineOptions, origin: string): Promise<void> {
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    try {
        await loadTicks(con, ticks);
        const e = new MtfEngine({ ...options, depth: 40_000 });
        const n = ticks.time.length;
        const cuts = [1, Math.floor(n * 0.37), Math.floor(n * 0.81), n];
        let from = 0;
        for (const cut of cuts) {
            e.process({ time: ticks.time.subarray(from, cut), price: ticks.price.subarray(from, cut), size: ticks.size.subarray(from, cut) });
            from = cut;
            for (const tf of e.timeframes) {
                const rows = await sqlBars(con, tf, origin, `seq < ${cut}`);
                expect(withoutTime(e.partial(tf)), `${tf} partial after ${cut} ticks`).to.deep.equal(rows[rows.length - 1]);
                expect(e.completedCount(e.indexOf(tf)), `${tf} completed after ${cut} ticks`).to.equal(rows.length - 1);
            }
        }
        e.flush();
        for (const tf of e.timeframes) {
            const rows = await sqlBars(con, tf, origin);
            const ours = e.history(tf).map(withoutTime);
            expect(ours.length, tf).to.equal(rows.length);
            for (let i = 0; i < rows.length; i++) {
                expect(ours[i], `${tf} bar ${i}`).to.deep.equal(rows[i]);
            }
        }
    } finally {
        con.closeSync();
        instance.closeSync();
    }
}

describe('MtfEngine equals an aggregation in DuckDB SQL', function (): void {
    this.timeout(300_000);

    it('SPY trades 2013-10-07..11, six timeframes, UTC days', async function (): Promise<void> {
        if (!hasData('spy-trades-2013-10')) {
            this.skip();
        }
        await compareWithDuckDB(spyTrades(), {}, '2000-01-03 00:00:00');
    });

    it('EURUSD bid quotes 2014-05, six timeframes, UTC days', async function (): Promise<void> {
        if (!hasData('eurusd-quotes-2014-05')) {
            this.skip();
        }
        const q = eurusdQuotes();
        await compareWithDuckDB({ time: q.time, price: q.bid, size: new Float64Array(q.time.length) }, {}, '2000-01-03 00:00:00');
    });

    it('EURUSD mid quotes 2014-05, 30s..2D, sessions from 22:00 UTC', async function (): Promise<void> {
        if (!hasData('eurusd-quotes-2014-05')) {
            this.skip();
        }
        const q = eurusdQuotes();
        const mid = q.bid.map((b, i) => (b + q.ask[i]) * 0.5);
        await compareWithDuckDB({ time: q.time, price: mid, size: new Float64Array(q.time.length) },
            { timeframes: ['30s', '1m', '5m', '15m', '1H', '4H', '1D'], session: '22:00 UTC' }, '2000-01-02 22:00:00');
    });
});
