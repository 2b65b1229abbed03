// Real bars for the indicator specs and the benchmark, read from ../shared/data at run time (never copied):
// EURUSD 1-minute bid bars of 2017 H1 (HistData, fixed UTC-5, volume always 0) and the vendor's SPY 1-minute
// trade bars of October 2013 (New York time, real volume).
import { Bar } from '../../types';
import { SHARED_DATA, decodeUtf8, fs, path, zlib } from './node-files';

const MINUTE_MICROS = 60_000_000;

/** EURUSD M1 2017 H1: 186,348 bars. `ticks` is 1 per source bar (the files carry no tick counts). */
export function readEurusdM1(): Bar[] {
    const dir = path.join(SHARED_DATA, 'eurusd-m1-2017h1');
    const files = fs.readdirSync(dir).filter(f => f.endsWith('.csv')).sort();
    const bars: Bar[] = [];
    for (const file of files) {
        const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
        lines.forEach((line, i) => {
            if (line.trim() === '') {
                return;
            }
            const m = /^(\d{4})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2});([^;]+);([^;]+);([^;]+);([^;]+);([^;]+)\s*$/.exec(line);
            if (!m) {
                throw new Error(`${file}:${i + 1}: not 'YYYYMMDD HHMMSS;open;high;low;close;volume': '${line}'`);
            }
            // HistData's time zone is EST without daylight saving: UTC-5 all year.
            const utcMillis = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4] + 5, +m[5], +m[6]);
            bars.push({ time: utcMillis * 1000, open: +m[7], high: +m[8], low: +m[9], close: +m[10], volume: +m[11], ticks: 1 });
        });
    }
    return bars;
}

/** The single CSV inside one of the vendor's zip files (stored or deflated, sizes in the local header). */
function unzipSingle(file: string): string {
    const data = fs.readFileSync(file);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (view.getUint32(0, true) !== 0x04034b50) {
        throw new Error(`${file} is not a zip file (no local header signature).`);
    }
    const method = view.getUint16(8, true);
    const size = view.getUint32(18, true);
    const start = 30 + view.getUint16(26, true) + view.getUint16(28, true);
    const body = data.subarray(start, start + size);
    const raw = method === 0 ? body : method === 8 ? zlib.inflateRawSync(body) : undefined;
    if (!raw || size === 0) {
        throw new Error(`${file}: unsupported zip entry (method ${method}, size ${size}).`);
    }
    return decodeUtf8(raw);
}

/** SPY 1-minute trade bars, 2013-10-04 .. 2013-10-11 (New York summer time, UTC-4), with volume. */
export function readSpyMinutes(): Bar[] {
    const dir = path.join(SHARED_DATA, 'spy-minute-vendor-2013-10');
    const bars: Bar[] = [];
    for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.zip')).sort()) {
        const day = /^(\d{4})(\d{2})(\d{2})_/.exec(file);
        if (!day) {
            throw new Error(`${file}: expected a YYYYMMDD_ file name.`);
        }
        const midnightNewYork = Date.UTC(+day[1], +day[2] - 1, +day[3], 4);
        unzipSingle(path.join(dir, file)).split('\n').forEach((line, i) => {
            if (line.trim() === '') {
                return;
            }
            const f = line.split(',').map(Number);
            if (f.length !== 6 || f.some(v => !Number.isFinite(v))) {
                throw new Error(`${file}:${i + 1}: not 'ms,open,high,low,close,volume': '${line}'`);
            }
            bars.push({ time: (midnightNewYork + f[0]) * 1000, open: f[1] / 10000, high: f[2] / 10000, low: f[3] / 10000, close: f[4] / 10000, volume: f[5], ticks: 1 });
        });
    }
    return bars;
}

/** Bars of `minutes`-minute periods aggregated from 1-minute bars (time = period start, UTC-aligned). */
export function aggregate(bars: readonly Bar[], minutes: number): Bar[] {
    const period = minutes * MINUTE_MICROS;
    const out: Bar[] = [];
    let current: { time: number; open: number; high: number; low: number; close: number; volume: number; ticks: number } | undefined;
    for (const bar of bars) {
        const start = Math.floor(bar.time / period) * period;
        if (current && current.time === start) {
            current.high = Math.max(current.high, bar.high);
            current.low = Math.min(current.low, bar.low);
            current.close = bar.close;
            current.volume += bar.volume;
            current.ticks += bar.ticks;
        } else {
            if (current) {
                out.push(current);
            }
            current = { ...bar, time: start };
        }
    }
    if (current) {
        out.push(current);
    }
    return out;
}
