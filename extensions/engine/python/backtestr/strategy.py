"""Declaring a strategy: parameters, subscriptions, timeframes and hooks (the TypeScript SDK's defineStrategy)."""

import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

DEFAULT_TIMEFRAMES = ('1m', '5m', '15m', '1H', '4H', '1D')
HOOKS = ('on_start', 'on_bar_close', 'on_tick', 'on_fill', 'on_order_event', 'on_stop')
_TIMEFRAME = re.compile(r'^[1-9][0-9]*[smhHdD]$')


def _spec(kind: str, default: Any, label: Optional[str], **extra: Any) -> Dict[str, Any]:
    spec: Dict[str, Any] = {'type': kind, 'default': default}
    spec.update({k: v for k, v in extra.items() if v is not None})
    if label is not None:
        spec['label'] = label
    return spec


def Int(default: int, min: Optional[int] = None, max: Optional[int] = None, label: Optional[str] = None) -> Dict[str, Any]:  # noqa: A002
    """An integer parameter, e.g. `'fast': Int(10, min=2, label='Fast SMA period')`."""
    return _spec('int', default, label, min=min, max=max)


def Float(default: float, min: Optional[float] = None, max: Optional[float] = None, label: Optional[str] = None) -> Dict[str, Any]:  # noqa: A002
    """A decimal parameter."""
    return _spec('float', default, label, min=min, max=max)


def Bool(default: bool, label: Optional[str] = None) -> Dict[str, Any]:
    """A true/false parameter."""
    return _spec('bool', default, label)


def Enum(default: str, values: Sequence[str], label: Optional[str] = None) -> Dict[str, Any]:
    """One of a list of strings."""
    return _spec('enum', default, label, values=list(values))


class StrategyDefinition:
    """What `define_strategy` returns; the host finds it as a module-level value of the strategy file."""

    def __init__(self, id: str, params: Mapping[str, Mapping[str, Any]], subscribe: Mapping[str, Any],  # noqa: A002
                 timeframes: Optional[Sequence[str]], label: Optional[str], hooks: Mapping[str, Callable[..., Any]]):
        self.id = id
        self.label = label
        self.params = {name: dict(spec) for name, spec in params.items()}
        self.subscribe = {'bar_close': list(subscribe.get('bar_close', subscribe.get('barClose', []))), 'tick': bool(subscribe.get('tick', False))}
        self.timeframes = None if timeframes is None else list(timeframes)
        self.hooks = dict(hooks)

    def describe(self) -> Dict[str, Any]:
        """The declaration as plain data for the engine (camelCase, as the TypeScript SDK names it)."""
        return {
            'id': self.id, 'label': self.label, 'params': self.params,
            'subscribe': {'barClose': self.subscribe['bar_close'], 'tick': self.subscribe['tick']},
            'timeframes': self.timeframes, 'hooks': sorted(self.hooks),
        }


def _validate(d: StrategyDefinition) -> None:
    if not isinstance(d.id, str) or not d.id:
        raise ValueError('A strategy needs an id, e.g. define_strategy(id=\'me.sma-cross\', ...).')
    for name, spec in d.params.items():
        kind = spec.get('type')
        default = spec.get('default')
        if kind in ('int', 'float'):
            lo, hi = spec.get('min'), spec.get('max')
            if lo is not None and default < lo or hi is not None and default > hi:
                raise ValueError(f"Strategy '{d.id}': parameter '{name}' default {default} is outside "
                                 f"[{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}].")
            if kind == 'int' and (not isinstance(default, int) or isinstance(default, bool)):
                raise ValueError(f"Strategy '{d.id}': parameter '{name}' is an int but its default is {default}.")
        elif kind == 'enum':
            if default not in spec.get('values', ()):
                raise ValueError(f"Strategy '{d.id}': parameter '{name}' default '{default}' is not one of {', '.join(spec.get('values', ()))}.")
        elif kind != 'bool':
            raise ValueError(f"Strategy '{d.id}': parameter '{name}' has type {kind!r}; use Int(...), Float(...), Bool(...) or Enum(...).")
    if not d.subscribe['tick'] and not d.subscribe['bar_close']:
        raise ValueError(f"Strategy '{d.id}' subscribes to nothing: add subscribe={{'bar_close': ['1m']}} or {{'tick': True}}.")
    for tf in (d.timeframes or []) + d.subscribe['bar_close']:
        if not isinstance(tf, str) or not _TIMEFRAME.match(tf):
            raise ValueError(f"Strategy '{d.id}': timeframe '{tf}' is invalid; use <n>s, <n>m, <n>H or <n>D, e.g. '15m'.")
    for hook, fn in d.hooks.items():
        if hook not in HOOKS:
            raise ValueError(f"Strategy '{d.id}': unknown hook '{hook}'; the hooks are {', '.join(HOOKS)}.")
        if not callable(fn):
            raise ValueError(f"Strategy '{d.id}': {hook} must be a function.")


def define_strategy(id: str, params: Optional[Mapping[str, Mapping[str, Any]]] = None, subscribe: Optional[Mapping[str, Any]] = None,  # noqa: A002
                    timeframes: Optional[Sequence[str]] = None, label: Optional[str] = None, **hooks: Callable[..., Any]) -> StrategyDefinition:
    """
    Declares a strategy. Hooks are keyword arguments: on_start(ctx), on_bar_close(ctx, bar, timeframe),
    on_tick(ctx), on_fill(ctx, event), on_order_event(ctx, event), on_stop(ctx). Raises ValueError
    for a bad declaration (the run shows it as a load error).
    """
    d = StrategyDefinition(id, params or {}, subscribe or {}, timeframes, label, {k: v for k, v in hooks.items() if v is not None})
    _validate(d)
    return d


class Strategy:
    """
    A strategy as a class: set `id`, `params`, `subscribe` (and optionally `label`, `timeframes`)
    as class attributes and define the hooks as methods; keep state on `self`. The host makes
    one instance per run.
    """

    id: str = ''
    label: Optional[str] = None
    params: Mapping[str, Mapping[str, Any]] = {}
    subscribe: Mapping[str, Any] = {}
    timeframes: Optional[List[str]] = None

    @classmethod
    def definition(cls) -> StrategyDefinition:
        instance = cls()
        hooks = {name: getattr(instance, name) for name in HOOKS if callable(getattr(instance, name, None))}
        d = StrategyDefinition(cls.id, cls.params, cls.subscribe, cls.timeframes, cls.label, hooks)
        _validate(d)
        return d
