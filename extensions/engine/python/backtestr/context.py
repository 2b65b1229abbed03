"""`ctx`: the strategy's window on the engine, filled in by the host at each event."""

import math
from typing import Any, Callable, Dict, List, Optional

from .types import Account, Bar, BracketIds, Position

_SIDES = ('buy', 'sell')


class Params(dict):
    """The run's parameter values: `ctx.params.fast` or `ctx.params['fast']`; read-only."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"No parameter '{name}'; the strategy has {', '.join(self) or 'none'}.") from None

    def _readonly(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError('ctx.params is read-only.')

    __setitem__ = __delitem__ = update = pop = clear = setdefault = _readonly  # type: ignore[assignment]


class Instrument:
    """The run's instrument (`ctx.instrument`)."""

    __slots__ = ('symbol', 'tick_size', 'lot_size', 'multiplier', '_digits')

    def __init__(self, symbol: str, tick_size: float, lot_size: float, multiplier: float):
        self.symbol = symbol
        self.tick_size = tick_size
        self.lot_size = lot_size
        self.multiplier = multiplier
        self._digits = max(0, min(12, math.ceil(-math.log10(tick_size) + 1e-9)))

    def round_to_tick(self, price: float) -> float:
        """The nearest price on the tick grid (as the TypeScript ctx.instrument.roundToTick)."""
        from .sma import js_round
        return float(f'{js_round(price / self.tick_size) * self.tick_size:.{self._digits}f}')


class Series:
    """One timeframe of the multi-timeframe state (`ctx.mtf('1H')`); read from the engine on demand."""

    __slots__ = ('timeframe', '_ctx')

    def __init__(self, ctx: 'Context', timeframe: str):
        self.timeframe = timeframe
        self._ctx = ctx

    @property
    def partial(self) -> Optional[Bar]:
        """The forming bar, None before its first tick."""
        v = self._ctx._ask(f'p:{self.timeframe}')
        return None if v is None else Bar(*v)

    def bar(self, offset: int) -> Optional[Bar]:
        """A completed bar: bar(-1) the last completed one, bar(-2) the one before; None when there is none."""
        if not isinstance(offset, int) or offset >= 0:
            raise IndexError(f"mtf('{self.timeframe}').bar({offset}): only completed bars can be read, bar(-1) is the last completed one;"
                             ' the forming bar is .partial and later bars do not exist yet.')
        v = self._ctx._ask(f'b:{self.timeframe}:{-offset}')
        return None if v is None else Bar(*v)

    def bars(self, n: int) -> List[Bar]:
        """The last `n` completed bars (fewer if fewer are kept), oldest first."""
        raw = self._ctx._ask(f'n:{self.timeframe}:{max(0, int(n))}')
        f = memoryview(raw).cast('d')
        return [Bar(int(f[i]), f[i + 1], f[i + 2], f[i + 3], f[i + 4], f[i + 5], f[i + 6]) for i in range(0, len(f), 7)]

    @property
    def completed_count(self) -> int:
        """Bars of this timeframe completed since the run started."""
        return int(self._ctx._ask(f'c:{self.timeframe}'))


class Orders:
    """
    `ctx.order`: sends, cancels and modifies orders; each call returns the order's id. Orders go
    to the engine when the hook returns and take effect from the next tick. A bad order is not
    raised: it comes back as a 'rejected' order event with the reason (e.g. BAD_QTY, OFF_GRID).
    Options: tif ('GTC', 'IOC', 'FOK', 'DAY', 'GTD'), expire (UTC micros), tag, oco, position.
    """

    def __init__(self, ctx: 'Context'):
        self._ctx = ctx
        self._next_id = 1

    def _op(self, op: List[Any], ids: int = 1) -> int:
        self._ctx._ops.append(op)
        first = self._next_id
        self._next_id += ids
        return first

    @staticmethod
    def _options(tif: Optional[str], expire: Optional[int], tag: Optional[str], oco: Optional[int], position: Optional[int]) -> Optional[Dict[str, Any]]:
        o = {k: v for k, v in (('tif', tif), ('expire', expire), ('tag', tag), ('oco', oco), ('position', position)) if v is not None}
        return o or None

    def market(self, side: str, qty: float, *, tif: Optional[str] = None, expire: Optional[int] = None, tag: Optional[str] = None,
               oco: Optional[int] = None, position: Optional[int] = None) -> int:
        return self._op(['m', side, qty, self._options(tif, expire, tag, oco, position)])

    def limit(self, side: str, qty: float, price: float, *, tif: Optional[str] = None, expire: Optional[int] = None, tag: Optional[str] = None,
              oco: Optional[int] = None, position: Optional[int] = None) -> int:
        return self._op(['l', side, qty, price, self._options(tif, expire, tag, oco, position)])

    def stop(self, side: str, qty: float, stop_price: float, *, tif: Optional[str] = None, expire: Optional[int] = None, tag: Optional[str] = None,
             oco: Optional[int] = None, position: Optional[int] = None) -> int:
        """A stop (market) order: triggers when the market reaches `stop_price`."""
        return self._op(['s', side, qty, stop_price, self._options(tif, expire, tag, oco, position)])

    def stop_limit(self, side: str, qty: float, stop_price: float, limit_price: float, *, tif: Optional[str] = None, expire: Optional[int] = None,
                   tag: Optional[str] = None, oco: Optional[int] = None, position: Optional[int] = None) -> int:
        return self._op(['sl', side, qty, stop_price, limit_price, self._options(tif, expire, tag, oco, position)])

    def mit(self, side: str, qty: float, trigger_price: float, *, tif: Optional[str] = None, expire: Optional[int] = None, tag: Optional[str] = None,
            oco: Optional[int] = None, position: Optional[int] = None) -> int:
        """Market-if-touched."""
        return self._op(['mit', side, qty, trigger_price, self._options(tif, expire, tag, oco, position)])

    def trailing_stop(self, side: str, qty: float, *, distance: Optional[float] = None, percent: Optional[float] = None, tif: Optional[str] = None,
                      expire: Optional[int] = None, tag: Optional[str] = None, oco: Optional[int] = None, position: Optional[int] = None) -> int:
        """A stop that follows the best price since it became active, by a price `distance` or a `percent`."""
        return self._op(['ts', side, qty, distance, percent, self._options(tif, expire, tag, oco, position)])

    def bracket(self, side: str, qty: float, *, entry: Optional[float] = None, take_profit: Optional[float] = None, stop_loss: Optional[float] = None,
                trail: Optional[float] = None, tif: Optional[str] = None, expire: Optional[int] = None, tag: Optional[str] = None,
                oco: Optional[int] = None, position: Optional[int] = None) -> BracketIds:
        """An entry (limit at `entry`, else market) with a take-profit and a stop-loss (or a trailing stop) active once it fills."""
        prices = {k: v for k, v in (('entry', entry), ('takeProfit', take_profit), ('stopLoss', stop_loss), ('trail', trail)) if v is not None}
        has_tp = take_profit is not None
        has_sl = stop_loss is not None or trail is not None
        first = self._op(['br', side, qty, prices, self._options(tif, expire, tag, oco, position)], 1 + has_tp + has_sl)
        return BracketIds(first, first + 1 if has_tp else None, first + 1 + has_tp if has_sl else None)

    def cancel(self, order_id: int) -> None:
        self._ctx._ops.append(['x', order_id])

    def modify(self, order_id: int, *, qty: Optional[float] = None, limit: Optional[float] = None, stop: Optional[float] = None,
               trail: Optional[float] = None) -> None:
        """New price(s) or total quantity of a working order."""
        changes = {k: v for k, v in (('qty', qty), ('limit', limit), ('stop', stop), ('trail', trail)) if v is not None}
        self._ctx._ops.append(['mod', order_id, changes])

    def close(self, *, tif: Optional[str] = None, expire: Optional[int] = None, tag: Optional[str] = None, oco: Optional[int] = None,
              position: Optional[int] = None) -> Optional[int]:
        """Flattens the net position at market (nothing when flat); returns the order id or None."""
        if self._ctx.position.qty == 0:
            return None
        return self._op(['cl', self._options(tif, expire, tag, oco, position)])

    def cancel_all(self) -> None:
        """Cancels every working order this strategy sent."""
        self._ctx._ops.append(['xa'])


class Context:
    """
    `ctx`: params, time (UTC micros of the current tick; at a bar close the bars' period end, as in TypeScript),
    mtf(timeframe), order, position, account, instrument, log(message), record(name, value).
    """

    def __init__(self, ask: Callable[[str], Any]):
        self._ask_engine = ask
        self._ops: List[Any] = []
        self._cache: Dict[str, Any] = {}
        self._series: Dict[str, Series] = {}
        self.params = Params()
        self.time = 0
        self.position = Position(0.0, 0.0, 0.0)
        self.instrument = Instrument('?', 0.01, 1, 1)
        self.order = Orders(self)

    def _ask(self, key: str) -> Any:
        cache = self._cache
        if key in cache:
            return cache[key]
        value = cache[key] = self._ask_engine(key)
        return value

    def mtf(self, timeframe: str) -> Series:
        s = self._series.get(timeframe)
        if s is None:
            s = self._series[timeframe] = Series(self, timeframe)
        return s

    @property
    def account(self) -> Account:
        return Account(*self._ask('a'))

    def log(self, message: Any) -> None:
        """A line in the run's log, stamped with ctx.time."""
        self._ops.append(['log', str(message)])

    def record(self, name: str, value: float) -> None:
        """A value of a named series the replay and charts show, stamped with ctx.time."""
        self._ops.append(['rec', str(name), float(value)])
