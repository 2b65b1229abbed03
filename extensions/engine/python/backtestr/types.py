"""Plain data the engine hands to a strategy. Times are UTC microseconds (int); prices are decimal floats."""

from typing import NamedTuple, Optional


class Bar(NamedTuple):
    time: int  # start of the bar's period
    open: float
    high: float
    low: float
    close: float
    volume: float
    ticks: float  # ticks aggregated into the bar


class Position(NamedTuple):
    qty: float  # signed: > 0 long, < 0 short, 0 flat
    avg_price: float
    unrealised: float


class Account(NamedTuple):
    cash: float
    equity: float
    realised: float
    unrealised: float
    commission: float
    open_orders: float
    used_margin: float


class OrderEvent(NamedTuple):
    """One thing that happened to an order, with the engine's reason (e.g. MARKET, BAD_QTY, OFF_GRID)."""
    time: int
    order: int
    kind: str  # accepted, rejected, filled, partlyFilled, cancelled, expired, triggered, modified, activated
    reason: str
    price: float  # fill price; NaN otherwise
    qty: float
    commission: float
    reference: float
    position: float  # signed net position after the event
    tag: str


class BracketIds(NamedTuple):
    entry: int
    take_profit: Optional[int]
    stop_loss: Optional[int]
