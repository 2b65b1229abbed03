// @ts-check
// Parses JSON-lines ticks: one object per line, e.g.
//   {"time":"2014-05-05T00:00:23.668Z","bid":1.3871,"ask":1.38726}
//   {"time":1381147200464000,"price":167.41,"size":100}
// `time` is an ISO-8601 string with a zone (Z or ±hh:mm, up to microsecond digits) or an integer
// of microseconds since the Unix epoch. A file holds trades (`price`, optional `size`) or quotes
// (`bid` and `ask`, optional `size`), decided by its first good line. Lines that cannot be read
// are returned in `rejected` with their number, the reason and the text; blank lines are skipped.
// `line` gives the line number of every row. Rows stay in file order: BackTestr quarantines the
// ones out of time order, like those of a CSV file.
'use strict';

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** @param {unknown} value @returns {number | string} micros, or the reason it is not a time */
function parseTime(value) {
    if (typeof value === 'number') {
        return Number.isSafeInteger(value) ? value : `time ${value} is not an integer of microseconds`;
    }
    if (typeof value !== 'string') {
        return 'no "time" (an ISO-8601 string with a zone, or integer microseconds)';
    }
    const m = ISO.exec(value);
    const ms = m ? Date.parse(m[1] + m[3]) : NaN;
    if (!m || Number.isNaN(ms)) {
        return `time '${value}' is not ISO-8601 with a zone, e.g. 2014-05-05T00:00:23.668Z`;
    }
    const fraction = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
    return ms * 1000 + Number(fraction);
}

/** @param {Record<string, unknown>} row @param {string} key */
function price(row, key) {
    const v = row[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * @param {string} text the whole file
 * @returns {{ time: Float64Array, price?: Float64Array, size?: Float64Array, bid?: Float64Array, ask?: Float64Array,
 *            line: Float64Array, rejected: { line: number, reason: string, raw: string }[] }}
 */
function parseJsonLines(text) {
    /** @type {{ line: number, reason: string, raw: string }[]} */
    const rejected = [];
    /** @type {number[]} */ const lineNumbers = [];
    /** @type {number[]} */ const time = [];
    /** @type {number[]} */ const a = [];
    /** @type {number[]} */ const b = [];
    /** @type {number[]} */ const size = [];
    /** @type {'trades' | 'quotes' | undefined} */
    let kind;
    let hasSize = false;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i].trim();
        if (line === '') {
            continue;
        }
        const reject = (/** @type {string} */ reason) => { rejected.push({ line: i + 1, reason, raw: line.slice(0, 500) }); };
        /** @type {unknown} */
        let row;
        try {
            row = JSON.parse(line);
        } catch (error) {
            reject(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
            continue;
        }
        if (typeof row !== 'object' || row === null || Array.isArray(row)) {
            reject('not a JSON object');
            continue;
        }
        const r = /** @type {Record<string, unknown>} */ (row);
        const t = parseTime(r.time);
        if (typeof t === 'string') {
            reject(t);
            continue;
        }
        const rowKind = r.price !== undefined ? 'trades' : r.bid !== undefined || r.ask !== undefined ? 'quotes' : undefined;
        if (!rowKind) {
            reject('neither "price" (a trade) nor "bid"/"ask" (a quote)');
            continue;
        }
        kind = kind ?? rowKind;
        if (rowKind !== kind) {
            reject(`a ${rowKind === 'trades' ? 'trade' : 'quote'} in a file of ${kind}: keep one kind per file`);
            continue;
        }
        const first = price(r, kind === 'trades' ? 'price' : 'bid');
        const second = kind === 'quotes' ? price(r, 'ask') : 0;
        if (first === undefined || second === undefined) {
            reject(kind === 'trades' ? '"price" is not a finite number' : '"bid" and "ask" must both be finite numbers');
            continue;
        }
        const s = r.size === undefined ? 0 : price(r, 'size');
        if (s === undefined) {
            reject('"size" is not a finite number');
            continue;
        }
        hasSize = hasSize || r.size !== undefined;
        time.push(t);
        lineNumbers.push(i + 1);
        a.push(first);
        b.push(second);
        size.push(s);
    }
    const common = { time: Float64Array.from(time), line: Float64Array.from(lineNumbers), ...(hasSize ? { size: Float64Array.from(size) } : {}), rejected };
    return kind === 'quotes'
        ? { ...common, bid: Float64Array.from(a), ask: Float64Array.from(b) }
        : { ...common, price: Float64Array.from(a) };
}

module.exports = { parseJsonLines, parseTime };
