//! Record layouts of the execution engine, shared with JS (`executionLayout()`).
//!
//! Orders go in, events, the account and closed trades come out as records of 8-byte
//! slots in caller-owned buffers: an f64 slot is read through a `Float64Array`, an i64
//! slot (times, UTC microseconds) through a `BigInt64Array` over the same buffer.

/// Slots per order command (submit, cancel or modify) in `submit`.
pub const ORDER_SLOTS: usize = 15;
/// 1 submit, 2 cancel, 3 modify.
pub const O_ACTION: usize = 0;
/// The order's id, chosen by the caller: a whole number >= 1, unique per engine.
pub const O_ID: usize = 1;
/// TYPE_* below.
pub const O_TYPE: usize = 2;
/// +1 buy, -1 sell.
pub const O_SIDE: usize = 3;
/// Quantity in units (a multiple of the lot size, > 0).
pub const O_QTY: usize = 4;
/// Limit price (limit and stop-limit), on the tick grid.
pub const O_LIMIT: usize = 5;
/// Stop / trigger price (stop, stop-limit, market-if-touched), on the tick grid.
pub const O_STOP: usize = 6;
/// TIF_* below.
pub const O_TIF: usize = 7;
/// i64: expiry time of a GTD order (UTC micros).
pub const O_EXPIRE: usize = 8;
/// Instrument index; this engine has one instrument, 0.
pub const O_INSTRUMENT: usize = 9;
/// Trailing stop: distance in price units (> 0), or NaN/0 when `O_TRAIL_PERCENT` is used.
pub const O_TRAIL: usize = 10;
/// Trailing stop: distance in percent of the best price (> 0), or NaN/0.
pub const O_TRAIL_PERCENT: usize = 11;
/// Parent order id (bracket child: held until the parent is completely filled); 0 none.
pub const O_PARENT: usize = 12;
/// OCO group (a fill of one member cancels the others); 0 none.
pub const O_OCO: usize = 13;
/// Hedging: id of the position this order closes (the id of the order that opened it); 0 none.
pub const O_POSITION: usize = 14;

pub const ACT_SUBMIT: i64 = 1;
pub const ACT_CANCEL: i64 = 2;
/// Modify a working order: `O_QTY` (new total quantity), `O_LIMIT`, `O_STOP`, `O_TRAIL`,
/// `O_TRAIL_PERCENT`; NaN keeps the current value.
pub const ACT_MODIFY: i64 = 3;

pub const TYPE_MARKET: i64 = 0;
pub const TYPE_LIMIT: i64 = 1;
pub const TYPE_STOP: i64 = 2;
pub const TYPE_STOP_LIMIT: i64 = 3;
pub const TYPE_MIT: i64 = 4;
/// Trailing stop (market when hit): `O_STOP` optional initial stop.
pub const TYPE_TRAIL: i64 = 5;

pub const TIF_GTC: i64 = 0;
pub const TIF_IOC: i64 = 1;
pub const TIF_FOK: i64 = 2;
pub const TIF_DAY: i64 = 3;
pub const TIF_GTD: i64 = 4;

/// Slots per order event.
pub const EVENT_SLOTS: usize = 14;
/// i64: engine time of the event (the tick's time for fills).
pub const E_TIME: usize = 0;
pub const E_ORDER: usize = 1;
/// KIND_* below.
pub const E_KIND: usize = 2;
/// R_* below: why.
pub const E_REASON: usize = 3;
/// Batch index of the tick that caused it; -1 when no tick did (submit, cancel, advanceTo).
pub const E_TICK: usize = 4;
/// Fill price (fills); trigger price (triggered); NaN otherwise.
pub const E_PRICE: usize = 5;
/// Filled quantity (fills); the order's quantity otherwise.
pub const E_QTY: usize = 6;
pub const E_COMMISSION: usize = 7;
/// Fills: the market price before slippage. Cancelled / expired: the closest the market
/// came to the order's price while it rested (NaN if no tick was seen).
pub const E_REFERENCE: usize = 8;
/// Position (signed units) after the event.
pub const E_POSITION: usize = 9;
/// Realised P&L of this fill (before commission).
pub const E_REALISED: usize = 10;
/// Number of ticks applied by the engine when the event happened (the fill's tick included).
pub const E_SEQ: usize = 11;
/// The position the fill went to (hedging: its id; netting: the id of the order that opened it); 0 none.
pub const E_POSITION_ID: usize = 12;
/// The order's quantity still working after the event (0 when done).
pub const E_REMAINING: usize = 13;

pub const KIND_ACCEPTED: i64 = 1;
pub const KIND_REJECTED: i64 = 2;
pub const KIND_FILLED: i64 = 3;
pub const KIND_CANCELLED: i64 = 4;
pub const KIND_EXPIRED: i64 = 5;
pub const KIND_TRIGGERED: i64 = 6;
pub const KIND_MODIFIED: i64 = 7;
/// A fill of part of the order (volume participation cap); the rest keeps working.
pub const KIND_PARTIAL: i64 = 8;
/// A bracket child became active (its parent filled).
pub const KIND_ACTIVATED: i64 = 9;

// Reasons: accepted
pub const R_OK: i64 = 0;
// Reasons: rejected
pub const R_BAD_QTY: i64 = 1;
pub const R_BAD_PRICE: i64 = 2;
pub const R_OFF_GRID: i64 = 3;
pub const R_UNKNOWN_INSTRUMENT: i64 = 4;
pub const R_UNKNOWN_ORDER: i64 = 5;
pub const R_DUPLICATE_ID: i64 = 6;
pub const R_BAD_TYPE: i64 = 7;
pub const R_BAD_SIDE: i64 = 8;
pub const R_BAD_TIF: i64 = 9;
pub const R_BAD_EXPIRE: i64 = 10;
pub const R_BAD_ACTION: i64 = 11;
pub const R_ORDER_DONE: i64 = 12;
pub const R_BAD_ID: i64 = 13;
pub const R_UNKNOWN_PARENT: i64 = 14;
pub const R_UNKNOWN_POSITION: i64 = 15;
pub const R_INSUFFICIENT_MARGIN: i64 = 16;
pub const R_PYRAMIDING: i64 = 17;
pub const R_BAD_TRAIL: i64 = 18;
pub const R_NOT_HEDGING: i64 = 19;
// Reasons: filled (the fill rule)
pub const R_MARKET: i64 = 20;
pub const R_LIMIT_RESTING: i64 = 21;
pub const R_LIMIT_MARKETABLE: i64 = 22;
pub const R_STOP: i64 = 23;
pub const R_STOP_GAP: i64 = 24;
pub const R_MIT: i64 = 25;
pub const R_TRAIL: i64 = 26;
/// Bar model: a stop / MIT / trailing stop reached inside a bar's path, filled at its price.
pub const R_STOP_PATH: i64 = 27;
// Reasons: cancelled / expired / triggered
pub const R_CANCEL_REQUEST: i64 = 30;
pub const R_IOC_UNFILLED: i64 = 31;
pub const R_FOK_UNFILLED: i64 = 32;
pub const R_DAY_END: i64 = 33;
pub const R_GTD_EXPIRY: i64 = 34;
pub const R_STOP_TRIGGERED: i64 = 35;
pub const R_OCO: i64 = 36;
pub const R_PARENT_FILLED: i64 = 37;
pub const R_PARENT_CANCELLED: i64 = 38;
pub const R_IOC_REMAINDER: i64 = 39;
pub const R_POSITION_CLOSED: i64 = 40;
pub const R_MODIFIED: i64 = 41;

/// Slots of the account record (`readAccount`).
pub const ACCOUNT_SLOTS: usize = 16;
pub const A_CASH: usize = 0;
/// cash + position * mark * multiplier.
pub const A_EQUITY: usize = 1;
/// Signed units (netting).
pub const A_POSITION: usize = 2;
/// Average entry price of the open position (NaN when flat).
pub const A_AVG_PRICE: usize = 3;
pub const A_REALISED: usize = 4;
pub const A_UNREALISED: usize = 5;
pub const A_COMMISSION: usize = 6;
/// Mark price: last trade price (trade model); bid for a long, ask for a short (quote model).
pub const A_MARK: usize = 7;
pub const A_OPEN_ORDERS: usize = 8;
pub const A_EVENTS: usize = 9;
pub const A_FILLS: usize = 10;
/// Slippage paid in money (always >= 0 for adverse slippage).
pub const A_SLIPPAGE: usize = 11;
pub const A_TRADES: usize = 12;
pub const A_INITIAL_CASH: usize = 13;
/// Sum over open positions of qty * mark * multiplier / leverage (0 without leverage).
pub const A_USED_MARGIN: usize = 14;
/// Open positions (netting: 0 or 1).
pub const A_POSITIONS: usize = 15;

/// Slots per closed trade (flat to flat, or up to a reversal).
pub const TRADE_SLOTS: usize = 13;
/// i64
pub const T_ENTRY_TIME: usize = 0;
/// i64
pub const T_EXIT_TIME: usize = 1;
/// +1 long, -1 short
pub const T_SIDE: usize = 2;
/// Largest absolute position during the trade.
pub const T_QTY: usize = 3;
/// Average entry price.
pub const T_ENTRY_PRICE: usize = 4;
/// Average exit price.
pub const T_EXIT_PRICE: usize = 5;
/// Realised P&L (before commission).
pub const T_PNL: usize = 6;
pub const T_COMMISSION: usize = 7;
/// Maximum adverse excursion: the worst unrealised P&L (money, <= 0).
pub const T_MAE: usize = 8;
/// Maximum favourable excursion: the best unrealised P&L (money, >= 0).
pub const T_MFE: usize = 9;
/// Bars of the shortest timeframe completed between entry and exit.
pub const T_BARS: usize = 10;
pub const T_SLIPPAGE: usize = 11;
/// The position's id (the id of the order that opened it).
pub const T_POSITION: usize = 12;

/// Slots per open position (`readPositions`).
pub const POSITION_SLOTS: usize = 6;
pub const P_ID: usize = 0;
/// +1 long, -1 short.
pub const P_SIDE: usize = 1;
pub const P_QTY: usize = 2;
pub const P_AVG_PRICE: usize = 3;
pub const P_UNREALISED: usize = 4;
/// i64
pub const P_ENTRY_TIME: usize = 5;

pub const CONSTANTS: &[(&str, i64)] = &[
    ("ORDER_SLOTS", ORDER_SLOTS as i64),
    ("O_ACTION", O_ACTION as i64),
    ("O_ID", O_ID as i64),
    ("O_TYPE", O_TYPE as i64),
    ("O_SIDE", O_SIDE as i64),
    ("O_QTY", O_QTY as i64),
    ("O_LIMIT", O_LIMIT as i64),
    ("O_STOP", O_STOP as i64),
    ("O_TIF", O_TIF as i64),
    ("O_EXPIRE", O_EXPIRE as i64),
    ("O_INSTRUMENT", O_INSTRUMENT as i64),
    ("O_TRAIL", O_TRAIL as i64),
    ("O_TRAIL_PERCENT", O_TRAIL_PERCENT as i64),
    ("O_PARENT", O_PARENT as i64),
    ("O_OCO", O_OCO as i64),
    ("O_POSITION", O_POSITION as i64),
    ("ACT_SUBMIT", ACT_SUBMIT),
    ("ACT_CANCEL", ACT_CANCEL),
    ("ACT_MODIFY", ACT_MODIFY),
    ("TYPE_MARKET", TYPE_MARKET),
    ("TYPE_LIMIT", TYPE_LIMIT),
    ("TYPE_STOP", TYPE_STOP),
    ("TYPE_STOP_LIMIT", TYPE_STOP_LIMIT),
    ("TYPE_MIT", TYPE_MIT),
    ("TYPE_TRAIL", TYPE_TRAIL),
    ("TIF_GTC", TIF_GTC),
    ("TIF_IOC", TIF_IOC),
    ("TIF_FOK", TIF_FOK),
    ("TIF_DAY", TIF_DAY),
    ("TIF_GTD", TIF_GTD),
    ("EVENT_SLOTS", EVENT_SLOTS as i64),
    ("E_TIME", E_TIME as i64),
    ("E_ORDER", E_ORDER as i64),
    ("E_KIND", E_KIND as i64),
    ("E_REASON", E_REASON as i64),
    ("E_TICK", E_TICK as i64),
    ("E_PRICE", E_PRICE as i64),
    ("E_QTY", E_QTY as i64),
    ("E_COMMISSION", E_COMMISSION as i64),
    ("E_REFERENCE", E_REFERENCE as i64),
    ("E_POSITION", E_POSITION as i64),
    ("E_REALISED", E_REALISED as i64),
    ("E_SEQ", E_SEQ as i64),
    ("E_POSITION_ID", E_POSITION_ID as i64),
    ("E_REMAINING", E_REMAINING as i64),
    ("KIND_ACCEPTED", KIND_ACCEPTED),
    ("KIND_REJECTED", KIND_REJECTED),
    ("KIND_FILLED", KIND_FILLED),
    ("KIND_CANCELLED", KIND_CANCELLED),
    ("KIND_EXPIRED", KIND_EXPIRED),
    ("KIND_TRIGGERED", KIND_TRIGGERED),
    ("KIND_MODIFIED", KIND_MODIFIED),
    ("KIND_PARTIAL", KIND_PARTIAL),
    ("KIND_ACTIVATED", KIND_ACTIVATED),
    ("R_OK", R_OK),
    ("R_BAD_QTY", R_BAD_QTY),
    ("R_BAD_PRICE", R_BAD_PRICE),
    ("R_OFF_GRID", R_OFF_GRID),
    ("R_UNKNOWN_INSTRUMENT", R_UNKNOWN_INSTRUMENT),
    ("R_UNKNOWN_ORDER", R_UNKNOWN_ORDER),
    ("R_DUPLICATE_ID", R_DUPLICATE_ID),
    ("R_BAD_TYPE", R_BAD_TYPE),
    ("R_BAD_SIDE", R_BAD_SIDE),
    ("R_BAD_TIF", R_BAD_TIF),
    ("R_BAD_EXPIRE", R_BAD_EXPIRE),
    ("R_BAD_ACTION", R_BAD_ACTION),
    ("R_ORDER_DONE", R_ORDER_DONE),
    ("R_BAD_ID", R_BAD_ID),
    ("R_UNKNOWN_PARENT", R_UNKNOWN_PARENT),
    ("R_UNKNOWN_POSITION", R_UNKNOWN_POSITION),
    ("R_INSUFFICIENT_MARGIN", R_INSUFFICIENT_MARGIN),
    ("R_PYRAMIDING", R_PYRAMIDING),
    ("R_BAD_TRAIL", R_BAD_TRAIL),
    ("R_NOT_HEDGING", R_NOT_HEDGING),
    ("R_MARKET", R_MARKET),
    ("R_LIMIT_RESTING", R_LIMIT_RESTING),
    ("R_LIMIT_MARKETABLE", R_LIMIT_MARKETABLE),
    ("R_STOP", R_STOP),
    ("R_STOP_GAP", R_STOP_GAP),
    ("R_MIT", R_MIT),
    ("R_TRAIL", R_TRAIL),
    ("R_STOP_PATH", R_STOP_PATH),
    ("R_CANCEL_REQUEST", R_CANCEL_REQUEST),
    ("R_IOC_UNFILLED", R_IOC_UNFILLED),
    ("R_FOK_UNFILLED", R_FOK_UNFILLED),
    ("R_DAY_END", R_DAY_END),
    ("R_GTD_EXPIRY", R_GTD_EXPIRY),
    ("R_STOP_TRIGGERED", R_STOP_TRIGGERED),
    ("R_OCO", R_OCO),
    ("R_PARENT_FILLED", R_PARENT_FILLED),
    ("R_PARENT_CANCELLED", R_PARENT_CANCELLED),
    ("R_IOC_REMAINDER", R_IOC_REMAINDER),
    ("R_POSITION_CLOSED", R_POSITION_CLOSED),
    ("R_MODIFIED", R_MODIFIED),
    ("ACCOUNT_SLOTS", ACCOUNT_SLOTS as i64),
    ("A_CASH", A_CASH as i64),
    ("A_EQUITY", A_EQUITY as i64),
    ("A_POSITION", A_POSITION as i64),
    ("A_AVG_PRICE", A_AVG_PRICE as i64),
    ("A_REALISED", A_REALISED as i64),
    ("A_UNREALISED", A_UNREALISED as i64),
    ("A_COMMISSION", A_COMMISSION as i64),
    ("A_MARK", A_MARK as i64),
    ("A_OPEN_ORDERS", A_OPEN_ORDERS as i64),
    ("A_EVENTS", A_EVENTS as i64),
    ("A_FILLS", A_FILLS as i64),
    ("A_SLIPPAGE", A_SLIPPAGE as i64),
    ("A_TRADES", A_TRADES as i64),
    ("A_INITIAL_CASH", A_INITIAL_CASH as i64),
    ("A_USED_MARGIN", A_USED_MARGIN as i64),
    ("A_POSITIONS", A_POSITIONS as i64),
    ("TRADE_SLOTS", TRADE_SLOTS as i64),
    ("T_ENTRY_TIME", T_ENTRY_TIME as i64),
    ("T_EXIT_TIME", T_EXIT_TIME as i64),
    ("T_SIDE", T_SIDE as i64),
    ("T_QTY", T_QTY as i64),
    ("T_ENTRY_PRICE", T_ENTRY_PRICE as i64),
    ("T_EXIT_PRICE", T_EXIT_PRICE as i64),
    ("T_PNL", T_PNL as i64),
    ("T_COMMISSION", T_COMMISSION as i64),
    ("T_MAE", T_MAE as i64),
    ("T_MFE", T_MFE as i64),
    ("T_BARS", T_BARS as i64),
    ("T_SLIPPAGE", T_SLIPPAGE as i64),
    ("T_POSITION", T_POSITION as i64),
    ("POSITION_SLOTS", POSITION_SLOTS as i64),
    ("P_ID", P_ID as i64),
    ("P_SIDE", P_SIDE as i64),
    ("P_QTY", P_QTY as i64),
    ("P_AVG_PRICE", P_AVG_PRICE as i64),
    ("P_UNREALISED", P_UNREALISED as i64),
    ("P_ENTRY_TIME", P_ENTRY_TIME as i64),
];
