// *****************************************************************************
// Data quality per instrument and UTC day, computed from the stored columns and the quarantine,
// stored in `quality_days`. See SCORING for the definitions the UI shows.
// *****************************************************************************

import { DatasetErrors, DatasetKey, DatasetKind, Instrument, QualityDay, QualityReport } from '../common/dataset-protocol';
import {
    datasetScore, floorDiv, instrumentFromRow, num, TickFlags, TickRepository, UNTIMED_QUARANTINE_SQL, WorkspaceDatabase
} from '@backtestr/workspace-store/lib/node';
import { civilFromDays, MICROS_PER_DAY, TimeZone } from './time-zone';

export const SCORING = [
    'Per UTC day: gaps = intervals between consecutive in-session ticks longer than max(15 min, 100 x the day\'s median interval);',
    'spikes = price changes of at least 10 ticks whose robust z-score (|r - median| / (1.4826 x MAD) over the day\'s non-zero log returns) exceeds 10;',
    'duplicates = exact repeats of the previous tick (kept, flagged); out-of-order = rows quarantined for that reason;',
    'crossed = quotes with bid above ask, quarantined or (import policy keep) kept and flagged;',
    'outside session = ticks outside the instrument\'s session (Mon-Fri, its time zone).',
    'score = 100 - 40 x min(1, 100 x quarantined / rows) - 20 x min(1, outside / rows) - 20 x min(1, gaps / 10) - 20 x min(1, spikes / 5).',
    'Dataset score = mean of the daily scores - 40 x min(1, 100 x untimed / (ticks + quarantined)), where untimed = quarantined rows without',
    'a usable time (no day to count against: unparseable time, corrupt FIX message, binary fragment) of this dataset, or of no instrument',
    'in an import that wrote this dataset.'
].join(' ');


const SPIKE_Z = 10;
/** A spike must also move the price at least this many ticks (one-tick flickers of a quiet quote are not spikes). */
const SPIKE_MIN_TICKS = 10;

/** Session test in the instrument's time zone: `HH:MM-HH:MM` (wrapping when open >= close) or `24h`. */
export class SessionClock {
    protected readonly open: number;
    protected readonly close: number;
    protected readonly wraps: boolean;
    protected readonly always: boolean;
    protected readonly zone: TimeZone;
    protected offsetDay = NaN;
    protected offset = 0;

    constructor(session: string, timeZone: string) {
        this.zone = TimeZone.of(timeZone);
        const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(session.trim());
        this.always = !m;
        this.open = m ? (Number(m[1]) * 60 + Number(m[2])) * 60_000_000 : 0;
        this.close = m ? (Number(m[3]) * 60 + Number(m[4])) * 60_000_000 : MICROS_PER_DAY;
        this.wraps = this.open >= this.close;
    }

    /** Whether a UTC instant is inside the session (weekends closed; wrapping sessions open the evening before). */
    contains(utc: number): boolean {
        if (this.always) {
            return true;
        }
        const day = Math.floor(utc / MICROS_PER_DAY);
        if (day !== this.offsetDay) {
            this.offsetDay = day;
            this.offset = this.zone.offsetAt(day * MICROS_PER_DAY + MICROS_PER_DAY / 2);
        }
        const local = utc + this.offset;
        let localDay = Math.floor(local / MICROS_PER_DAY);
        const tod = local - localDay * MICROS_PER_DAY;
        if (this.wraps) {
            if (tod >= this.open) {
                localDay++;
            } else if (tod >= this.close) {
                return false;
            }
        } else if (tod < this.open || tod >= this.close) {
            return false;
        }
        const weekday = ((localDay % 7) + 11) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
        return weekday >= 1 && weekday <= 5;
    }
}

/**
 * The k-th smallest of a[0..n) (0-based), moving a's elements so that a[0..k) <= a[k] <= a[k+1..n): Wirth's selection,
 * linear on average and balanced on runs of equal values (tick intervals have many). No NaN in `a`.
 */
function select(a: Float64Array, n: number, k: number): number {
    let l = 0, r = n - 1;
    while (l < r) {
        const x = a[k];
        let i = l, j = r;
        do {
            while (a[i] < x) {
                i++;
            }
            while (x < a[j]) {
                j--;
            }
            if (i <= j) {
                const t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        } while (i <= j);
        if (j < k) {
            l = i;
        }
        if (k < i) {
            r = j;
        }
    }
    return a[k];
}

/** The median of values[0..n) (values untouched): by selection, not a sort (a day of ticks is a few 100k values). */
export function median(values: Float64Array, n: number): number {
    if (n === 0) {
        return 0;
    }
    const a = values.slice(0, n);
    const upper = select(a, n, n >> 1);
    if (n % 2) {
        return upper;
    }
    // a[0..n/2) now holds the n/2 smallest: the lower middle value is their largest.
    let lower = a[0];
    for (let i = 1; i < n >> 1; i++) {
        if (a[i] > lower) {
            lower = a[i];
        }
    }
    return (lower + upper) / 2;
}

export class DataQuality {
    constructor(readonly db: WorkspaceDatabase) { }

    async report(key: DatasetKey): Promise<QualityReport | undefined> {
        const rows = await this.db.all(`SELECT q.*, strftime(day, '%Y-%m-%d') AS day_text FROM quality_days q
            WHERE instrument_id = $1 AND kind = $2 ORDER BY day`, [key.instrumentId, key.kind]);
        if (rows.length === 0) {
            return undefined;
        }
        const instrument = await new TickRepository(this.db).getInstrument(key.instrumentId);
        const days: QualityDay[] = rows.map(r => ({
            instrumentId: key.instrumentId, kind: key.kind, day: String(r.day_text), tickCount: num(r.tick_count), gaps: num(r.gaps),
            longestGapSeconds: num(r.longest_gap_s), duplicates: num(r.duplicates), outOfOrder: num(r.out_of_order),
            crossedQuotes: num(r.crossed), spikes: num(r.spikes), outsideSession: num(r.outside_session),
            quarantined: num(r.quarantined), score: num(r.score)
        }));
        return this.summarize(key, instrument?.symbol ?? String(key.instrumentId), days);
    }

    /** The report of a dataset's days: the dataset score counts the untimed quarantined rows too. */
    protected async summarize(key: DatasetKey, symbol: string, days: QualityDay[]): Promise<QualityReport> {
        const untimed = num(await this.db.scalar(`SELECT coalesce(sum(n), 0) FROM (${UNTIMED_QUARANTINE_SQL}) WHERE instrument_id = $1 AND kind = $2`,
            [key.instrumentId, key.kind]));
        const mean = days.length ? days.reduce((s, d) => s + d.score, 0) / days.length : 100;
        const ticks = days.reduce((s, d) => s + d.tickCount, 0);
        const quarantined = days.reduce((s, d) => s + d.quarantined, 0) + untimed;
        return { ...key, symbol, score: datasetScore(mean, untimed, ticks, quarantined), untimedQuarantined: untimed, days, scoring: SCORING };
    }

    /** Computes and stores the report of a dataset (replacing the previous one). */
    async compute(key: DatasetKey): Promise<QualityReport> {
        const repo = new TickRepository(this.db);
        const rows = await this.db.all('SELECT * FROM instruments WHERE id = $1', [key.instrumentId]);
        if (rows.length === 0) {
            throw DatasetErrors.UnknownDataset(key.instrumentId, key.kind);
        }
        const instrument: Instrument = instrumentFromRow(rows[0]);
        let time: Float64Array, price: Float64Array, flags: Int32Array | undefined, count: number;
        if (key.kind === 'bars') {
            const bars = await repo.readBars(key, await this.importedTimeframe(key.instrumentId));
            ({ time, close: price, count } = bars);
        } else {
            const ticks = await repo.readTicks(key);
            count = ticks.count;
            time = ticks.time;
            flags = ticks.flags;
            if (key.kind === 'quotes') {
                price = new Float64Array(count);
                for (let i = 0; i < count; i++) {
                    price[i] = (ticks.bid![i] + ticks.ask![i]) / 2;
                }
            } else {
                price = ticks.price!;
            }
        }
        const quarantine = await this.db.all(`SELECT ${floorDiv('time_us', MICROS_PER_DAY)} AS day, count(*) AS n,
                count(*) FILTER (WHERE reason LIKE 'out of order%') AS ooo, count(*) FILTER (WHERE reason LIKE 'crossed%') AS crossed
            FROM quarantine WHERE instrument_id = $1 AND kind = $2 AND time_us IS NOT NULL GROUP BY 1`, [key.instrumentId, key.kind]);
        const qByDay = new Map(quarantine.map(r => [num(r.day), { n: num(r.n), ooo: num(r.ooo), crossed: num(r.crossed) }]));
        const session = new SessionClock(instrument.session, instrument.timeZone);
        const days: QualityDay[] = [];
        const intervals = new Float64Array(Math.max(count, 1));
        const returns = new Float64Array(Math.max(count, 1));
        const moves = new Float64Array(Math.max(count, 1));
        let start = 0;
        while (start < count) {
            const day = Math.floor(time[start] / MICROS_PER_DAY);
            let end = start;
            while (end < count && Math.floor(time[end] / MICROS_PER_DAY) === day) {
                end++;
            }
            days.push(this.day(key.kind, instrument.id, day, time, price, flags, start, end, session, intervals, returns, moves, qByDay.get(day)));
            qByDay.delete(day);
            start = end;
        }
        for (const [day, q] of qByDay) {
            days.push(this.scored({
                instrumentId: instrument.id, kind: key.kind, day: civilFromDays(day), tickCount: 0, gaps: 0, longestGapSeconds: 0,
                duplicates: 0, outOfOrder: q.ooo, crossedQuotes: q.crossed, spikes: 0, outsideSession: 0, quarantined: q.n, score: 0
            }));
        }
        days.sort((a, b) => a.day.localeCompare(b.day));
        await this.db.transaction(async () => {
            await this.db.run('DELETE FROM quality_days WHERE instrument_id = $1 AND kind = $2', [key.instrumentId, key.kind]);
            const now = Date.now() * 1000;
            // The days in statements of up to 100 rows (one statement per day cost a round trip each: years of daily rows).
            for (let at = 0; at < days.length; at += 100) {
                const batch = days.slice(at, at + 100);
                const values = batch.map((_, i) => `(${Array.from({ length: 14 }, (__, k) => `$${14 * i + k + 1}${k === 2 ? '::DATE' : ''}`).join(', ')})`);
                await this.db.run(`INSERT INTO quality_days VALUES ${values.join(', ')}`, batch.flatMap(d => [
                    d.instrumentId, d.kind, d.day, d.tickCount, d.gaps, d.longestGapSeconds, d.duplicates, d.outOfOrder,
                    d.crossedQuotes, d.spikes, d.outsideSession, d.quarantined, d.score, now
                ]));
            }
        });
        return this.summarize(key, instrument.symbol, days);
    }

    protected async importedTimeframe(instrumentId: number): Promise<string> {
        const tf = await this.db.scalar(`SELECT timeframe FROM bars WHERE instrument_id = $1 AND origin = 'import' LIMIT 1`, [instrumentId]);
        return tf === undefined || tf === null ? '1m' : String(tf);
    }

    protected day(kind: DatasetKind, instrumentId: number, day: number, time: Float64Array, price: Float64Array, flags: Int32Array | undefined,
        start: number, end: number, session: SessionClock, intervals: Float64Array, returns: Float64Array, moves: Float64Array,
        q: { n: number; ooo: number; crossed: number } | undefined): QualityDay {
        let duplicates = 0, crossed = 0, outside = 0, nIntervals = 0, nReturns = 0;
        for (let i = start; i < end; i++) {
            if (flags && (flags[i] & TickFlags.REPEAT)) {
                duplicates++;
            }
            if (flags && (flags[i] & TickFlags.CROSSED)) {
                crossed++;
            }
            if (!session.contains(time[i])) {
                outside++;
            }
            if (i > start) {
                intervals[nIntervals++] = time[i] - time[i - 1];
                if (price[i] !== price[i - 1] && price[i] > 0 && price[i - 1] > 0) {
                    moves[nReturns] = Math.abs(price[i] - price[i - 1]);
                    returns[nReturns++] = Math.log(price[i] / price[i - 1]);
                }
            }
        }
        const threshold = Math.max(15 * 60_000_000, 100 * median(intervals, nIntervals));
        let gaps = 0, longest = 0;
        for (let i = start + 1; i < end; i++) {
            const dt = time[i] - time[i - 1];
            if (dt > longest) {
                longest = dt;
            }
            if (dt > threshold && session.contains(time[i - 1]) && session.contains(time[i])) {
                gaps++;
            }
        }
        let spikes = 0;
        if (nReturns > 10) {
            const med = median(returns, nReturns);
            const deviations = new Float64Array(nReturns);
            for (let i = 0; i < nReturns; i++) {
                deviations[i] = Math.abs(returns[i] - med);
            }
            const mad = median(deviations, nReturns) * 1.4826;
            if (mad > 0) {
                for (let i = 0; i < nReturns; i++) {
                    if (deviations[i] / mad > SPIKE_Z && moves[i] >= SPIKE_MIN_TICKS) {
                        spikes++;
                    }
                }
            }
        }
        return this.scored({
            instrumentId, kind, day: civilFromDays(day), tickCount: end - start, gaps, longestGapSeconds: longest / 1e6, duplicates,
            outOfOrder: q?.ooo ?? 0, crossedQuotes: crossed + (q?.crossed ?? 0), spikes, outsideSession: outside, quarantined: q?.n ?? 0, score: 0
        });
    }

    protected scored(d: QualityDay): QualityDay {
        const n = Math.max(d.tickCount + d.quarantined, 1);
        const score = 100 - 40 * Math.min(1, 100 * d.quarantined / n) - 20 * Math.min(1, d.outsideSession / n)
            - 20 * Math.min(1, d.gaps / 10) - 20 * Math.min(1, d.spikes / 5);
        return { ...d, score: Math.round(score * 10) / 10 };
    }
}
