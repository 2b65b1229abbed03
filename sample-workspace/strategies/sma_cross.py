"""
The textbook SMA cross, long only, in Python: the twin of sma-cross.ts (same parameters, same
decisions). At the close of a 1-minute bar where the fast SMA crosses above the slow one, buy;
where it crosses below, sell. Orders fill on the next tick, i.e. at the next bar's open. Ties:
the averages are compared as exact sums (fast.sum * slow.period vs slow.sum * fast.period in
integer units of 1e-8), so "equal" means equal, and a cross needs the fast average strictly
above (buy) or not above (sell) the slow one.
"""

from backtestr import Float, Int, SmaCalculation, Strategy


class SmaCross(Strategy):
    id = 'examples.sma-cross-py'
    label = 'SMA cross (long only, Python)'
    params = {
        'fast': Int(10, min=2, label='Fast SMA period'),
        'slow': Int(30, min=3, label='Slow SMA period'),
        'qty': Float(1, min=0, label='Quantity'),
    }
    subscribe = {'bar_close': ['1m']}
    timeframes = ['1m']

    def on_start(self, ctx):
        self.fast = SmaCalculation(ctx.params.fast)
        self.slow = SmaCalculation(ctx.params.slow)
        self.was_above = None

    def on_bar_close(self, ctx, bar, timeframe):
        f = self.fast.update(bar.close)
        s = self.slow.update(bar.close)
        if f is None or s is None:
            return
        above = self.fast.exact_sum * self.slow.period > self.slow.exact_sum * self.fast.period
        if self.was_above is not None and above != self.was_above:
            if above and ctx.position.qty == 0:
                ctx.order.market('buy', ctx.params.qty, tag='fast crossed above slow')
            elif not above and ctx.position.qty > 0:
                ctx.order.close(tag='fast crossed below slow')
        self.was_above = above
