// *****************************************************************************
// CSV exports of a run (RFC 4180, comma separated, header row, '\n' line ends). Times are
// given twice: integer microseconds since 1970 UTC (`*_us`, exact) and ISO-8601 UTC text.
// Absent prices (NaN) are empty fields. Numbers are JavaScript's shortest round-trip text.
// *****************************************************************************

import { formatTime } from './report-format';
import { RunEquityColumns, RunEventColumns, RunOrderColumns, RunTradeColumns } from '../run-store';

type Column = readonly [header: string, cell: (i: number) => string];

function num(x: number): string {
    return Number.isFinite(x) ? String(x) : '';
}

function text(s: string): string {
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function table(rows: number, columns: readonly Column[]): string {
    const lines = new Array<string>(rows + 1);
    lines[0] = columns.map(c => c[0]).join(',');
    for (let i = 0; i < rows; i++) {
        let line = '';
        for (let c = 0; c < columns.length; c++) {
            line += (c === 0 ? '' : ',') + columns[c][1](i);
        }
        lines[i + 1] = line;
    }
    return lines.join('\n') + '\n';
}

const side = (x: number, plus: string, minus: string) => x === 1 ? plus : x === -1 ? minus : num(x);

export function tradesCsv(t: RunTradeColumns): string {
    return table(t.pnl.length, [
        ['trade', i => String(i + 1)],
        ['side', i => side(t.side[i], 'long', 'short')],
        ['qty', i => num(t.qty[i])],
        ['entry_us', i => num(t.entryTime[i])],
        ['entry_time', i => formatTime(t.entryTime[i])],
        ['exit_us', i => num(t.exitTime[i])],
        ['exit_time', i => formatTime(t.exitTime[i])],
        ['entry_price', i => num(t.entryPrice[i])],
        ['exit_price', i => num(t.exitPrice[i])],
        ['pnl', i => num(t.pnl[i])],
        ['commission', i => num(t.commission[i])],
        ['slippage', i => num(t.slippage[i])],
        ['mae', i => num(t.mae[i])],
        ['mfe', i => num(t.mfe[i])],
        ['bars_held', i => num(t.barsHeld[i])]
    ]);
}

export function ordersCsv(o: RunOrderColumns): string {
    return table(o.id.length, [
        ['order', i => num(o.id[i])],
        ['time_us', i => num(o.time[i])],
        ['time', i => formatTime(o.time[i])],
        ['type', i => text(o.type[i])],
        ['side', i => side(o.side[i], 'buy', 'sell')],
        ['qty', i => num(o.qty[i])],
        ['limit', i => num(o.limit[i])],
        ['stop', i => num(o.stop[i])],
        ['tif', i => text(o.tif[i])],
        ['tag', i => text(o.tag[i])]
    ]);
}

/** Order events: acceptances, fills (with price, commission and the price before slippage), cancels, rejections. */
export function eventsCsv(e: RunEventColumns): string {
    return table(e.time.length, [
        ['time_us', i => num(e.time[i])],
        ['time', i => formatTime(e.time[i])],
        ['order', i => num(e.order[i])],
        ['kind', i => text(e.kind[i])],
        ['reason', i => text(e.reason[i])],
        ['tick_seq', i => num(e.seq[i])],
        ['price', i => num(e.price[i])],
        ['qty', i => num(e.qty[i])],
        ['commission', i => num(e.commission[i])],
        ['reference', i => num(e.reference[i])],
        ['position', i => num(e.position[i])],
        ['realised', i => num(e.realised[i])]
    ]);
}

/** OHLCV bars (bar start times), e.g. the run's instrument at its shortest timeframe. */
export function barsCsv(b: { readonly time: BigInt64Array; readonly open: Float64Array; readonly high: Float64Array; readonly low: Float64Array;
    readonly close: Float64Array; readonly volume: Float64Array }): string {
    return table(b.time.length, [
        ['time_us', i => String(b.time[i])],
        ['time', i => formatTime(Number(b.time[i]))],
        ['open', i => num(b.open[i])],
        ['high', i => num(b.high[i])],
        ['low', i => num(b.low[i])],
        ['close', i => num(b.close[i])],
        ['volume', i => num(b.volume[i])]
    ]);
}

export function equityCsv(q: RunEquityColumns): string {
    return table(q.time.length, [
        ['time_us', i => num(q.time[i])],
        ['time', i => formatTime(q.time[i])],
        ['equity', i => num(q.equity[i])],
        ['position', i => num(q.position[i])]
    ]);
}
