// *****************************************************************************
// What a strategy can do with orders, and what it hears back. Orders are sent when the
// hook that placed them returns (all of one hook's orders in one batch, in call order) and
// take effect from the next tick on (plus the run's latency): a strategy never fills at the
// price it reacted to. Prices are decimal and must lie on the instrument's tick grid
// (`ctx.instrument.roundToTick`); quantities are multiples of its lot size. A bad order is
// not thrown: it comes back as a `rejected` event with the reason, e.g. BAD_QTY, OFF_GRID.
// *****************************************************************************

import { UnixMicros } from './types';

export type OrderSide = 'buy' | 'sell';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'DAY' | 'GTD';

export interface OrderOptions {
    /** Default GTC. DAY ends at the session end; GTD at `expire`. */
    readonly tif?: TimeInForce;
    readonly expire?: UnixMicros;
    /** The strategy's reason for the order, kept in the run's journal and shown in the replay. */
    readonly tag?: string;
    /** One-cancels-other group: a fill of one member cancels the others (any number >= 1 the strategy picks). */
    readonly oco?: number;
    /** Hedging runs: the id of the position (its opening order's id) this order closes. */
    readonly position?: number;
}

export interface BracketPrices {
    /** Entry limit price; a market entry when absent. */
    readonly entry?: number;
    readonly takeProfit?: number;
    readonly stopLoss?: number;
    /** A trailing stop-loss by price distance (instead of `stopLoss`). */
    readonly trail?: number;
}

export interface BracketIds {
    readonly entry: number;
    readonly takeProfit?: number;
    readonly stopLoss?: number;
}

/** `ctx.order`: each call returns the order's id (unique in the run, from 1). */
export interface Orders {
    market(side: OrderSide, qty: number, options?: OrderOptions): number;
    limit(side: OrderSide, qty: number, price: number, options?: OrderOptions): number;
    /** A stop (market) order: triggers when the market reaches `stopPrice`. */
    stop(side: OrderSide, qty: number, stopPrice: number, options?: OrderOptions): number;
    stopLimit(side: OrderSide, qty: number, stopPrice: number, limitPrice: number, options?: OrderOptions): number;
    /** Market-if-touched. */
    mit(side: OrderSide, qty: number, triggerPrice: number, options?: OrderOptions): number;
    /** A stop that follows the best price since it became active, by a price `distance` or a `percent`. */
    trailingStop(side: OrderSide, qty: number, trail: { readonly distance?: number; readonly percent?: number }, options?: OrderOptions): number;
    /** An entry with a take-profit and a stop-loss that become active when the entry fills (the exits are one OCO group). */
    bracket(side: OrderSide, qty: number, prices: BracketPrices, options?: OrderOptions): BracketIds;
    cancel(id: number): void;
    /** New price(s) or total quantity of a working order. */
    modify(id: number, changes: { readonly qty?: number; readonly limit?: number; readonly stop?: number; readonly trail?: number }): void;
    /** Flattens the net position at market (nothing when flat); returns the order id. */
    close(options?: OrderOptions): number | undefined;
    /** Cancels every working order this strategy sent. */
    cancelAll(): void;
}

export type OrderEventKind = 'accepted' | 'rejected' | 'filled' | 'partlyFilled' | 'cancelled' | 'expired' | 'triggered' | 'modified' | 'activated';

/** One thing that happened to an order, with the engine's reason (native/README.md lists them). */
export interface OrderEvent {
    readonly time: UnixMicros;
    readonly order: number;
    readonly kind: OrderEventKind;
    /** The rule or the refusal, e.g. MARKET, LIMIT_RESTING, STOP_GAP, DAY_END, BAD_QTY, OFF_GRID. */
    readonly reason: string;
    /** Fill price (fills); NaN otherwise. */
    readonly price: number;
    /** Filled quantity (fills). */
    readonly qty: number;
    readonly commission: number;
    /** Fills: the market price before slippage; cancelled/expired: the closest the market came. */
    readonly reference: number;
    /** The signed net position after the event. */
    readonly position: number;
    /** The order's tag. */
    readonly tag: string;
}

/** The net position in the run's instrument. */
export interface Position {
    /** Signed quantity: > 0 long, < 0 short, 0 flat. */
    readonly qty: number;
    readonly avgPrice: number;
    readonly unrealised: number;
}

export interface Account {
    readonly cash: number;
    readonly equity: number;
    readonly realised: number;
    readonly unrealised: number;
    readonly commission: number;
    readonly openOrders: number;
    readonly usedMargin: number;
}

/** The run's instrument. */
export interface InstrumentInfo {
    readonly symbol: string;
    readonly tickSize: number;
    readonly lotSize: number;
    readonly multiplier: number;
    /** The nearest price on the tick grid. */
    roundToTick(price: number): number;
}
