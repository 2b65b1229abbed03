// The in-house trade feed format of the example firm: one trade per line,
// `2013-10-07T13:30:00.123456Z|167.41|100` (UTC time with up to microseconds | price | size).
import type { ImportedTicks } from '@backtestr/plugins';

const LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z\|([^|]+)\|([^|]+)$/;

export function parseDeskFeed(text: string): ImportedTicks {
    const time: number[] = [];
    const price: number[] = [];
    const size: number[] = [];
    const rejected: { line: number; reason: string }[] = [];
    text.split(/\r?\n/).forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) {
            return;
        }
        const m = LINE.exec(line);
        const p = m ? Number(m[3]) : NaN;
        const s = m ? Number(m[4]) : NaN;
        if (!m || !Number.isFinite(p) || !Number.isFinite(s)) {
            rejected.push({ line: i + 1, reason: 'expected time|price|size, e.g. 2013-10-07T13:30:00.123456Z|167.41|100' });
            return;
        }
        const t = Date.parse(m[1] + 'Z') * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
        if (time.length > 0 && t < time[time.length - 1]) {
            rejected.push({ line: i + 1, reason: 'out of time order' });
            return;
        }
        time.push(t);
        price.push(p);
        size.push(s);
    });
    return { time: Float64Array.from(time), price: Float64Array.from(price), size: Float64Array.from(size), rejected };
}
