// *****************************************************************************
// Where a cut run first departs from the full run before its cut: the orders (id, type, side, qty,
// prices, time in force, tag), their events (accepted, filled, cancelled, rejected, ... with prices and
// quantities), the recorded series and the logs, each compared on everything stamped before the cut.
// The earliest difference in time is the divergence (ties: orders, then events, then records, then logs).
// *****************************************************************************

import { RunLookAhead, RunOutput } from '@backtestr/workspace-store';

/** A divergence as the stored verdict words it, without the cut (the caller knows it). */
export type RunDivergence = Omit<NonNullable<RunLookAhead['divergence']>, 'cutTime'>;

const price = (x: number): string => Number.isNaN(x) ? '-' : String(x);

function orderText(o: RunOutput['orders'], i: number): string {
    return `order #${o.id[i]} ${o.type[i]} ${o.side[i] > 0 ? 'buy' : 'sell'} ${o.qty[i]}` +
        `${Number.isNaN(o.limit[i]) ? '' : ` limit ${o.limit[i]}`}${Number.isNaN(o.stop[i]) ? '' : ` stop ${o.stop[i]}`} ${o.tif[i]}` +
        `${o.tag[i] ? ` '${o.tag[i]}'` : ''} at ${new Date(o.time[i] / 1000).toISOString()}`;
}

function eventText(e: RunOutput['events'], i: number): string {
    return `${e.kind[i]} order #${e.order[i]} (${e.reason[i]}) qty ${e.qty[i]} price ${price(e.price[i])} at ${new Date(e.time[i] / 1000).toISOString()}`;
}

/** How many leading entries of `time` are before `cut`. */
function countBefore(time: ArrayLike<number>, cut: number): number {
    let n = 0;
    while (n < time.length && time[n] < cut) {
        n++;
    }
    return n;
}

/** The first index where rows [0, n) of two column sets differ, with each side's count; undefined when equal. */
function firstDifference(nFull: number, nCut: number, same: (i: number) => boolean): number | undefined {
    const n = Math.min(nFull, nCut);
    for (let i = 0; i < n; i++) {
        if (!same(i)) {
            return i;
        }
    }
    return nFull === nCut ? undefined : n;
}

/** Equal as recorded values: NaN equals NaN (absent prices are NaN). */
const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

export function firstDivergence(full: RunOutput, cutRun: RunOutput, cut: number): RunDivergence | undefined {
    const found: RunDivergence[] = [];
    const at = (time: ArrayLike<number>, i: number, other: ArrayLike<number>): number => i < time.length && time[i] < cut ? time[i] : other[i];

    const fo = full.orders;
    const co = cutRun.orders;
    const o = firstDifference(countBefore(fo.time, cut), countBefore(co.time, cut), i => fo.id[i] === co.id[i] && fo.time[i] === co.time[i] &&
        fo.type[i] === co.type[i] && fo.side[i] === co.side[i] && fo.qty[i] === co.qty[i] && same(fo.limit[i], co.limit[i]) &&
        same(fo.stop[i], co.stop[i]) && fo.tif[i] === co.tif[i] && fo.tag[i] === co.tag[i]);
    if (o !== undefined) {
        const inFull = o < countBefore(fo.time, cut);
        const inCut = o < countBefore(co.time, cut);
        const src = inFull ? fo : co;
        found.push({
            what: 'order', time: at(fo.time, o, co.time), orderId: src.id[o], tag: src.tag[o],
            full: inFull ? orderText(fo, o) : 'none', cut: inCut ? orderText(co, o) : 'none'
        });
    }

    const fe = full.events;
    const ce = cutRun.events;
    const e = firstDifference(countBefore(fe.time, cut), countBefore(ce.time, cut), i => fe.time[i] === ce.time[i] && fe.order[i] === ce.order[i] &&
        fe.kind[i] === ce.kind[i] && fe.reason[i] === ce.reason[i] && same(fe.price[i], ce.price[i]) && same(fe.qty[i], ce.qty[i]) &&
        same(fe.commission[i], ce.commission[i]));
    if (e !== undefined) {
        const inFull = e < countBefore(fe.time, cut);
        const inCut = e < countBefore(ce.time, cut);
        const order = inFull ? fe.order[e] : ce.order[e];
        const orderIndex = [...(inFull ? fo : co).id].indexOf(order);
        found.push({
            what: 'event', time: at(fe.time, e, ce.time), orderId: order, tag: orderIndex >= 0 ? (inFull ? fo : co).tag[orderIndex] : undefined,
            full: inFull ? eventText(fe, e) : 'none', cut: inCut ? eventText(ce, e) : 'none'
        });
    }

    for (const name of new Set([...Object.keys(full.series), ...Object.keys(cutRun.series)])) {
        const fs = full.series[name] ?? { time: new Float64Array(0), value: new Float64Array(0) };
        const cs = cutRun.series[name] ?? { time: new Float64Array(0), value: new Float64Array(0) };
        const r = firstDifference(countBefore(fs.time, cut), countBefore(cs.time, cut), i => fs.time[i] === cs.time[i] && same(fs.value[i], cs.value[i]));
        if (r !== undefined) {
            const text = (s: typeof fs, i: number): string => i < countBefore(s.time, cut) ? `${name} = ${s.value[i]} at ${new Date(s.time[i] / 1000).toISOString()}` : 'none';
            found.push({ what: 'record', time: at(fs.time, r, cs.time), full: text(fs, r), cut: text(cs, r) });
        }
    }

    const fl = full.logs;
    const cl = cutRun.logs;
    const l = firstDifference(countBefore(fl.time, cut), countBefore(cl.time, cut), i => fl.time[i] === cl.time[i] && fl.message[i] === cl.message[i]);
    if (l !== undefined) {
        const text = (s: typeof fl, i: number): string => i < countBefore(s.time, cut) ? `log '${s.message[i]}' at ${new Date(s.time[i] / 1000).toISOString()}` : 'none';
        found.push({ what: 'log', time: at(fl.time, l, cl.time), full: text(fl, l), cut: text(cl, l) });
    }
    // The earliest; a stable sort keeps orders before events before records before logs at the same time.
    return found.sort((a, b) => a.time - b.time)[0];
}
