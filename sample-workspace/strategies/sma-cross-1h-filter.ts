import { defineStrategy, SmaCalculation } from '@backtestr/plugins-sdk';

/**
 * SMA cross on 1-minute bars with a 1-hour trend filter.
 * Buys when the fast SMA crosses above the slow one while the forming 1-hour bar is up (its close
 * above its open: read from the partial 1H bar, which holds only ticks already seen), and closes
 * the position when the fast SMA crosses back below. Orders go out when the bar closes and fill on
 * the next tick (the next bar's open).
 */
let fast: SmaCalculation;
let slow: SmaCalculation;
let wasAbove: boolean | undefined;

export default defineStrategy({
    id: 'examples.sma-cross-1h-filter',
    label: 'SMA cross with 1H trend filter',
    params: {
        fast: { type: 'int', default: 10, min: 2, label: 'Fast SMA period' },
        slow: { type: 'int', default: 30, min: 3, label: 'Slow SMA period' },
        qty: { type: 'float', default: 100, min: 0, label: 'Quantity' }
    },
    subscribe: { barClose: ['1m'] },
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
        // Compare exact sums scaled to the same period: ties are ties, not float noise.
        const above = fast.compareTo(slow) > 0;
        ctx.record('fast', f);
        ctx.record('slow', s);
        if (wasAbove !== undefined && above !== wasAbove) {
            const hour = ctx.mtf('1H').partial;
            const hourUp = hour !== undefined && hour.close > hour.open;
            const flat = ctx.position.qty === 0;
            if (above && hourUp && flat) {
                ctx.order.market('buy', ctx.params.qty, { tag: `fast ${f.toFixed(5)} crossed above slow ${s.toFixed(5)}; 1H bar up (${hour.open} -> ${hour.close})` });
            } else if (above && flat) {
                ctx.log('cross above ignored: the forming 1H bar is not up');
            } else if (!above && !flat) {
                ctx.order.close({ tag: `fast ${f.toFixed(5)} crossed below slow ${s.toFixed(5)}` });
            }
        }
        wasAbove = above;
    }
});
