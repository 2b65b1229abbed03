import { defineStrategy, RsiCalculation } from '@backtestr/plugins-sdk';

/**
 * RSI mean reversion with brackets, for EURUSD quotes. At the close of each 5-minute bar, when
 * flat: RSI below `oversold` buys, above `overbought` sells, each as a bracket whose take-profit
 * and stop-loss (in pips from the bar's close) become active when the entry fills and cancel each
 * other. Quote fills: buys at the ask, sells at the bid.
 */
let rsi: RsiCalculation;

export default defineStrategy({
    id: 'examples.rsi-reversion',
    label: 'RSI mean reversion with brackets',
    params: {
        period: { type: 'int', default: 14, min: 2, label: 'RSI period' },
        oversold: { type: 'float', default: 25, min: 0, max: 50, label: 'Oversold below' },
        overbought: { type: 'float', default: 75, min: 50, max: 100, label: 'Overbought above' },
        takeProfitPips: { type: 'float', default: 10, min: 1, label: 'Take-profit (pips)' },
        stopLossPips: { type: 'float', default: 10, min: 1, label: 'Stop-loss (pips)' },
        qty: { type: 'float', default: 10000, min: 1, label: 'Units' }
    },
    subscribe: { barClose: ['5m'] },
    onStart(ctx) {
        rsi = new RsiCalculation(ctx.params.period);
    },
    onBarClose(ctx, bar) {
        const value = rsi.update(bar.close);
        if (value === undefined) {
            return;
        }
        ctx.record('rsi', value);
        if (ctx.position.qty !== 0 || ctx.account.openOrders > 0) {
            return;
        }
        const pip = 0.0001;
        const { roundToTick } = ctx.instrument;
        const { qty, takeProfitPips, stopLossPips } = ctx.params;
        if (value < ctx.params.oversold) {
            ctx.order.bracket('buy', qty, {
                takeProfit: roundToTick(bar.close + takeProfitPips * pip), stopLoss: roundToTick(bar.close - stopLossPips * pip)
            }, { tag: `RSI ${value.toFixed(1)} < ${ctx.params.oversold}` });
        } else if (value > ctx.params.overbought) {
            ctx.order.bracket('sell', qty, {
                takeProfit: roundToTick(bar.close - takeProfitPips * pip), stopLoss: roundToTick(bar.close + stopLossPips * pip)
            }, { tag: `RSI ${value.toFixed(1)} > ${ctx.params.overbought}` });
        }
    },
    onFill(ctx, fill) {
        ctx.log(`${fill.tag || 'order ' + fill.order} filled ${fill.qty} at ${fill.price} (${fill.reason})`);
    }
});
