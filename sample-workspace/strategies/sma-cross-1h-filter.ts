import { defineStrategy, SmaCalculation } from '@backtestr/plugins-sdk';

/**
 * SMA cross on 1-minute bars with a 1-hour trend filter.
 * Buys when the fast SMA crosses above the slow one while the forming 1-hour bar is up
 * (its close above its open), and exits when the fast SMA crosses back below.
 */
let fast: SmaCalculation;
let slow: SmaCalculation;
let wasAbove: boolean | undefined;

export default defineStrategy({
    id: 'examples.sma-cross-1h-filter',
    label: 'SMA cross with 1H trend filter',
    params: {
        fast: { type: 'int', default: 10, min: 2, label: 'Fast SMA period' },
        slow: { type: 'int', default: 30, min: 3, label: 'Slow SMA period' }
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
        const above = fast.exactSum * BigInt(slow.period) > slow.exactSum * BigInt(fast.period);
        ctx.record('fast', f);
        ctx.record('slow', s);
        if (wasAbove !== undefined && above !== wasAbove) {
            ctx.log(above ? `fast ${f.toFixed(5)} crossed above slow ${s.toFixed(5)}` : `fast crossed below slow`);
        }
        wasAbove = above;
    }
});
