"""
BackTestr's Python strategy SDK: the same concepts as the TypeScript `@backtestr/plugins-sdk`
(parameters, subscriptions, multi-timeframe state, orders, log and record). A strategy file
defines one strategy; the engine runs it in a Python child process. See README.md.
"""

from .context import Account, Context, Instrument, Orders, Params, Series
from .sma import SmaCalculation, js_round
from .strategy import DEFAULT_TIMEFRAMES, HOOKS, Bool, Enum, Float, Int, Strategy, StrategyDefinition, define_strategy
from .types import Bar, BracketIds, OrderEvent, Position

__all__ = [
    'Account', 'Bar', 'Bool', 'BracketIds', 'Context', 'DEFAULT_TIMEFRAMES', 'Enum', 'Float', 'HOOKS', 'Instrument', 'Int', 'OrderEvent',
    'Orders', 'Params', 'Position', 'Series', 'SmaCalculation', 'Strategy', 'StrategyDefinition', 'define_strategy', 'js_round',
]
__version__ = '0.1.0'
