// *****************************************************************************
// The bar cache: 1m..1D bars computed in SQL from stored ticks, kept in `bars` (origin 'cache').
// Conventions (the engine's defaults): bar time = period start; open = first tick of the period
// and close = last (ties in time keep stored order); periods aligned to UTC (the day bar is the
// UTC day); empty periods are skipped. Trades use the trade price, quotes the bid (like the
// vendors' bid bars); volume is the traded size (quotes: the number of quotes).
// *****************************************************************************

import { timeframeMicros } from '@backtestr/plugins-sdk';
import { DatasetKey } from '../common/workspace-store-protocol';
import { floorDiv } from './sql-values';
import { TickStore } from './tick-store';
import { WorkspaceDatabase } from './workspace-database';

export const BAR_TIMEFRAMES: Readonly<Record<string, number>> = {
    '1m': 60_000_000,
    '5m': 300_000_000,
    '15m': 900_000_000,
    '1H': 3_600_000_000,
    '4H': 14_400_000_000,
    '1D': 86_400_000_000
};

export class BarCache {
    constructor(readonly db: WorkspaceDatabase) { }

    /** Recomputes the cached bars of a tick dataset for the given timeframes (default 1m..1D), in one transaction. */
    async rebuild(key: DatasetKey, timeframes: readonly string[] = Object.keys(BAR_TIMEFRAMES)): Promise<number> {
        if (key.kind === 'bars') {
            throw new Error('The bar cache is computed from ticks; imported bars are stored as they are');
        }
        const quotes = key.kind === 'quotes';
        const side = quotes ? 'bid' : 'trade';
        const price = quotes ? 'bid_ticks' : 'price_ticks';
        const volume = quotes ? '1' : 'coalesce(size, 0)';
        const id = Math.trunc(key.instrumentId);
        const ticks = await new TickStore(this.db).relation({ instrumentId: id, kind: key.kind });
        let total = 0;
        await this.db.transaction(async () => {
            await this.db.run(`DELETE FROM bar_cache WHERE instrument_id = ${id} AND origin = 'cache' AND side = '${side}'`);
            // 1m bars from ticks; arg_min/arg_max on (time_us, seq) keep the stored order of ties.
            const oneMinute = timeframeMicros('1m');
            await this.db.run(`CREATE OR REPLACE TEMP TABLE bar_base AS
                SELECT ${floorDiv('time_us', oneMinute)} * ${oneMinute} AS t,
                    arg_min(${price}, (time_us, seq)) AS o, max(${price}) AS h, min(${price}) AS l,
                    arg_max(${price}, (time_us, seq)) AS c, sum(${volume})::BIGINT AS v, count(*) AS n
                FROM ${ticks}
                GROUP BY 1`);
            for (const tf of timeframes) {
                const us = timeframeMicros(tf);
                if (us % oneMinute !== 0) {
                    throw new Error(`Timeframe ${tf} is not a whole number of minutes`);
                }
                // Larger bars fold the 1m bars up: same result as from ticks, far less work.
                await this.db.run(`INSERT INTO bar_cache
                    SELECT ${id}, '${tf}', 'cache', '${side}', ${floorDiv('t', us)} * ${us} AS bt,
                        arg_min(o, t), max(h), min(l), arg_max(c, t), sum(v)::BIGINT, sum(n)::BIGINT, NULL
                    FROM bar_base GROUP BY bt ORDER BY bt`);
            }
            total = Number(await this.db.scalar(`SELECT count(*) FROM bar_cache WHERE instrument_id = ${id} AND origin = 'cache' AND side = '${side}'`));
            await this.db.run('DROP TABLE bar_base');
        });
        return total;
    }
}
