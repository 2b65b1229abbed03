// Builds FIX tag=value messages with correct BodyLength (9) and CheckSum (10), for tests and benchmarks.

/** One message from its fields after 9= and before 10=; `delimiter` '\x01' (SOH) or '|'. */
export function fixMessage(fields: readonly (readonly [number, string | number])[], delimiter = '\x01', begin = 'FIX.4.4'): string {
    const body = fields.map(([tag, value]) => `${tag}=${value}\x01`).join('');
    const head = `8=${begin}\x019=${Buffer.byteLength(body)}\x01`;
    let sum = 0;
    for (const b of Buffer.from(head + body, 'latin1')) {
        sum += b;
    }
    const text = `${head}${body}10=${String(sum % 256).padStart(3, '0')}\x01`;
    return delimiter === '\x01' ? text : text.replace(/\x01/g, delimiter);
}

/** `YYYYMMDD-HH:MM:SS.sss` of UTC micros. */
export function fixTime(us: number): string {
    const iso = new Date(Math.floor(us / 1000)).toISOString();
    return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 23)}`;
}

/** An incremental refresh (35=X) with a bid, an offer and a trade of `symbol`. */
export function marketDataMessage(seq: number, symbol: string, timeUs: number, bid: string, ask: string, trade: string, size: number, delimiter = '\x01'): string {
    return fixMessage([
        [35, 'X'], [49, 'FEED'], [56, 'BTR'], [34, seq], [52, fixTime(timeUs)], [268, 3],
        [279, 0], [269, 0], [55, symbol], [270, bid], [271, size], [273, fixTime(timeUs).slice(9)], [272, fixTime(timeUs).slice(0, 8)],
        [279, 0], [269, 1], [55, symbol], [270, ask], [271, size], [273, fixTime(timeUs).slice(9)], [272, fixTime(timeUs).slice(0, 8)],
        [279, 0], [269, 2], [55, symbol], [270, trade], [271, size], [273, fixTime(timeUs).slice(9)], [272, fixTime(timeUs).slice(0, 8)]
    ], delimiter);
}

/** A one-entry incremental refresh (35=X): a bid or offer update, the most common market data message. */
export function quoteUpdateMessage(seq: number, symbol: string, timeUs: number, side: 0 | 1, price: string, size: number, delimiter = '\x01'): string {
    const t = fixTime(timeUs);
    return fixMessage([[35, 'X'], [34, seq], [52, t], [268, 1], [279, 1], [269, side], [55, symbol], [270, price], [271, size], [273, t.slice(9)]], delimiter);
}
