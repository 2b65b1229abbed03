import { defineStrategy, SmaCalculation } from '@backtestr/plugins-sdk';

/**
 * The textbook SMA cross, long only: at the close of a 1-minute bar where the fast SMA crosses
 * above the slow one, buy; where it crosses below, sell. Orders fill on the next tick, i.e. at the
 * next bar's open. Ties: the averages are compared as exact sums (fast.sum * slow.period vs
 * slow.sum * fast.period in integer units of 1e-8), so "equal" means equal, and a cross needs the
 * fast average strictly above (buy) or not above (sell) the slow one.
 */
let fast: SmaCalculation;
let slow: SmaCalculation;
let wasAbove: boolean | undefined;

export default defineStrategy({
    id: 'examples.sma-cross',
    label: 'SMA cross (long only)',
    params: {
        fast: { type: 'int', default: 10, min: 2, label: 'Fast SMA period' },
        slow: { type: 'int', default: 30, min: 3, label: 'Slow SMA period' },
        qty: { type: 'float', default: 1, min: 0, label: 'Quantity' }
    },
    subscribe: { barClose: ['1m'] },
    timeframes: ['1m'],
    onStart(ctx) {
        fast = new SmaCalculation(ctx.params.fast);
        slow = new SmaCalculation(ctx.params.slow);
        wasAbove = undefined;
    },
    onBarClose(ctx, bar) {
        const f = fast.update(bar.close);
        const s = slow.update(bar.close);
        if (f === undefined || s === undefined) {
            return;
        }
        // Exact: fast.exactSum * slow.period > slow.exactSum * fast.period, without a BigInt while the products are safe integers.
        const above = fast.compareTo(slow) > 0;
        if (wasAbove !== undefined && above !== wasAbove) {
            if (above && ctx.position.qty === 0) {
                ctx.order.market('buy', ctx.params.qty, { tag: 'fast crossed above slow' });
            } else if (!above && ctx.position.qty > 0) {
                ctx.order.close({ tag: 'fast crossed below slow' });
            }
        }
        wasAbove = above;
    }
});
