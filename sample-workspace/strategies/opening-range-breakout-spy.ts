import { defineStrategy } from '@backtestr/plugins-sdk';

/**
 * Opening-range breakout for SPY trades. The opening range is the high and low of the first
 * `rangeMinutes` minutes after 09:30 New York. When it is complete, a buy stop one cent above
 * its high and a sell stop one cent below its low go out as one OCO group (the first to fill
 * cancels the other), each with a protective stop at the other side of the range. Everything is
 * closed at 15:55 New York. A stop jumped over by a gap fills at the first price after the gap.
 */
const NEW_YORK = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Minutes since midnight in New York and the New York date of a UTC microsecond time. */
function newYork(micros: number): { minute: number; day: string } {
    const parts = Object.fromEntries(NEW_YORK.formatToParts(new Date(micros / 1000)).map(p => [p.type, p.value]));
    return { minute: Number(parts.hour) * 60 + Number(parts.minute), day: `${parts.year}-${parts.month}-${parts.day}` };
}

const OPEN = 9 * 60 + 30;
const EXIT = 15 * 60 + 55;
let day = '';
let high = -Infinity;
let low = Infinity;
let armed = false;
let done = false;

export default defineStrategy({
    id: 'examples.opening-range-breakout',
    label: 'Opening-range breakout (SPY)',
    params: {
        rangeMinutes: { type: 'int', default: 30, min: 5, max: 120, label: 'Opening range (minutes)' },
        qty: { type: 'float', default: 100, min: 1, label: 'Shares' }
    },
    subscribe: { barClose: ['1m'] },
    onBarClose(ctx, bar) {
        const t = newYork(bar.time);
        if (t.day !== day) {
            day = t.day;
            high = -Infinity;
            low = Infinity;
            armed = false;
            done = false;
        }
        const { qty, rangeMinutes } = ctx.params;
        if (t.minute >= OPEN && t.minute < OPEN + rangeMinutes) {
            high = Math.max(high, bar.high);
            low = Math.min(low, bar.low);
            if (t.minute === OPEN + rangeMinutes - 1 && Number.isFinite(high)) {
                const { roundToTick } = ctx.instrument;
                const above = roundToTick(high + 0.01);
                const below = roundToTick(low - 0.01);
                ctx.record('rangeHigh', high);
                ctx.record('rangeLow', low);
                // Entries: one OCO group per day. Each entry's protective stop waits for its entry to fill.
                const group = Number(day.replace(/-/g, ''));
                const long = ctx.order.stop('buy', qty, above, { oco: group, tag: `break above the ${rangeMinutes}-minute range ${low}-${high}` });
                const short = ctx.order.stop('sell', qty, below, { oco: group, tag: `break below the ${rangeMinutes}-minute range ${low}-${high}` });
                armed = long > 0 && short > 0;
            }
        }
        if (armed && !done && t.minute >= EXIT - 1) {
            ctx.order.cancelAll();
            ctx.order.close({ tag: 'end of day' });
            done = true;
        }
    },
    onFill(ctx, fill) {
        if (fill.tag.startsWith('break ') && !done) {
            const protect = fill.position > 0 ? low - 0.01 : high + 0.01;
            ctx.order.stop(fill.position > 0 ? 'sell' : 'buy', Math.abs(fill.position), ctx.instrument.roundToTick(protect), { tag: 'protective stop at the other side of the range' });
        }
    }
});
