import * as fs from 'fs';
import * as path from 'path';
import { unzipSync } from 'fflate';

/**
 * Test-only readers of the real market data in `../shared/data` (Lean zips: one CSV per
 * zip, no header, no trailing newline). Data files are read in place, never copied.
 */

/** `BACKTESTR_DATA` or `<repo>/../shared/data`. */
export const DATA_DIR = process.env.BACKTESTR_DATA ?? path.resolve(__dirname, '../../../../../../shared/data');

export function hasData(folder: string): boolean {
    return fs.existsSync(path.join(DATA_DIR, folder));
}

/** Files of a data folder, sorted, whose name matches `pattern`. */
export function dataFiles(folder: string, pattern = /\.zip$/): string[] {
    return fs.readdirSync(path.join(DATA_DIR, folder)).filter(f => pattern.test(f)).sort()
        .map(f => path.join(DATA_DIR, folder, f));
}

/** The lines of the single CSV inside a Lean zip. */
export function readZipLines(file: string): string[] {
    const entries = unzipSync(fs.readFileSync(file));
    const names = Object.keys(entries);
    if (names.length !== 1) {
        throw new Error(`${file}: expected one file in the zip, found ${names.length}`);
    }
    const text = Buffer.from(entries[names[0]]).toString('latin1');
    return text.split('\n').map(l => l.trimEnd()).filter(l => l.length > 0);
}

/** Midnight UTC of the yyyymmdd date at the start of a Lean file name, in ms. */
export function fileDateMs(file: string): number {
    const m = /^(\d{4})(\d{2})(\d{2})_/.exec(path.basename(file));
    if (!m) {
        throw new Error(`${file}: no yyyymmdd date in the file name`);
    }
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Offset of America/New_York from UTC in ms at a UTC instant, from the ICU time-zone data (independent of the engine's rules). */
export function newYorkOffsetMs(utcMs: number): number {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'longOffset' })
        .formatToParts(new Date(utcMs)).find(p => p.type === 'timeZoneName')?.value ?? 'GMT-05:00';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600_000 + Number(m[3]) * 60_000) : 0;
}

export interface QuoteTicks {
    time: BigInt64Array;
    bid: Float64Array;
    ask: Float64Array;
}

export interface TradeTicks {
    time: BigInt64Array;
    price: Float64Array;
    size: Float64Array;
}

/** One day of Lean forex quotes: `ms_since_midnight_UTC,bid,ask`. */
export function readQuoteDay(file: string): QuoteTicks {
    const lines = readZipLines(file);
    const day = BigInt(fileDateMs(file)) * 1000n;
    const time = new BigInt64Array(lines.length);
    const bid = new Float64Array(lines.length);
    const ask = new Float64Array(lines.length);
    lines.forEach((line, i) => {
        const [ms, b, a] = line.split(',');
        time[i] = day + BigInt(ms) * 1000n;
        bid[i] = Number(b);
        ask[i] = Number(a);
    });
    return { time, bid, ask };
}

/** One day of Lean equity trades: `ms_since_midnight_NEW_YORK,price_x10000,size,...`, times converted to UTC. */
export function readTradeDay(file: string): TradeTicks {
    const lines = readZipLines(file);
    const midnight = fileDateMs(file);
    // New York midnight in UTC: the offset at local noon is the day's offset except on a DST change day,
    // when it is the offset after the change; trades run 04:00-20:00, after any change at 02:00.
    const offset = newYorkOffsetMs(midnight + 12 * 3600_000);
    const start = BigInt(midnight - offset) * 1000n;
    const time = new BigInt64Array(lines.length);
    const price = new Float64Array(lines.length);
    const size = new Float64Array(lines.length);
    lines.forEach((line, i) => {
        const f = line.split(',');
        time[i] = start + BigInt(f[0]) * 1000n;
        price[i] = Number(f[1]) / 10000;
        size[i] = Number(f[2]);
    });
    return { time, price, size };
}

function concat<T extends Float64Array | BigInt64Array>(parts: T[], make: (n: number) => T): T {
    const out = make(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
        out.set(p as never, o);
        o += p.length;
    }
    return out;
}

export function concatQuotes(days: QuoteTicks[]): QuoteTicks {
    return {
        time: concat(days.map(d => d.time), n => new BigInt64Array(n)),
        bid: concat(days.map(d => d.bid), n => new Float64Array(n)),
        ask: concat(days.map(d => d.ask), n => new Float64Array(n)),
    };
}

export function concatTrades(days: TradeTicks[]): TradeTicks {
    return {
        time: concat(days.map(d => d.time), n => new BigInt64Array(n)),
        price: concat(days.map(d => d.price), n => new Float64Array(n)),
        size: concat(days.map(d => d.size), n => new Float64Array(n)),
    };
}

let spyCache: TradeTicks | undefined;
let eurusdCache: QuoteTicks | undefined;

/** All SPY trades of 2013-10-07..11 (1,887,460 ticks), UTC micros. */
export function spyTrades(): TradeTicks {
    return spyCache ??= concatTrades(dataFiles('spy-trades-2013-10').map(readTradeDay));
}

/** All EURUSD quotes of 2014-05-01..15 (532,903 ticks). */
export function eurusdQuotes(): QuoteTicks {
    return eurusdCache ??= concatQuotes(dataFiles('eurusd-quotes-2014-05').map(readQuoteDay));
}
