//! Layout of the state memory that JS reads through typed-array views.
//!
//! The memory is an array of 8-byte slots. A slot holds either an f64 or an i64 (read it
//! through a `Float64Array` or a `BigInt64Array` over the same buffer). Times (UTC
//! microseconds) and durations are i64; prices, volumes and every counter, flag, mask and
//! index are f64 (counters are exact integers), so JS reads them as plain numbers.
//! Offsets below are slot indexes.
//!
//! ```text
//! [0, HEADER)                          engine header (H_* below)
//! [HEADER + i*TF_HEADER, ...)          header of timeframe i (T_* below), i < n
//! partial(i) = HEADER + n*TF_HEADER + i*RECORD          partial bar of timeframe i
//! ring(i, j) = HEADER + n*TF_HEADER + n*RECORD + (i*depth + j)*RECORD
//!                                      completed bar number c of timeframe i is in
//!                                      ring(i, c % depth) (c counts from 0)
//! account_offset(n, depth) = ring(n, depth, n, 0)
//!                                      the broker's account (ACCOUNT_BLOCK slots in the
//!                                      execution layout's A_* order)
//! ```
//! A bar record is RECORD slots: R_* below. The account block is written at every stop
//! with a bar close or flush and after every order submit; it is current when
//! H_ACCOUNT_STOP == H_STOPS (otherwise read the account with `readAccount`).

pub const HEADER: usize = 16;
pub const TF_HEADER: usize = 8;
pub const RECORD: usize = 10;

// Engine header (f64 numbers unless marked i64).
/// Number of timeframes.
pub const H_TF_COUNT: usize = 0;
/// History depth (completed bars kept per timeframe).
pub const H_DEPTH: usize = 1;
/// Ticks applied since creation.
pub const H_TICKS: usize = 2;
/// i64: engine clock, time of the last tick applied or of `advanceTo`.
pub const H_CLOCK: usize = 3;
/// Price (bar source) of the last tick applied (NaN before the first tick).
pub const H_LAST_PRICE: usize = 4;
/// Event flags of the last stop (EV_* bits).
pub const H_EVENT: usize = 5;
/// Batch index of the tick that caused the last stop (-1 for advanceTo / flush).
pub const H_EVENT_TICK: usize = 6;
/// Bit i set: timeframe i completed at least one bar at the last stop (subscribed or not).
pub const H_CLOSED_MASK: usize = 7;
/// Price crossing: +1 up, -1 down, 0 none.
pub const H_CROSS_DIR: usize = 8;
/// Price crossing: index of the first crossed level in the sorted level list.
pub const H_CROSS_FIRST: usize = 9;
/// Price crossing: number of levels crossed by the tick.
pub const H_CROSS_COUNT: usize = 10;
/// i64: the latest timer time that fired.
pub const H_TIMER_TIME: usize = 11;
/// Timer: how many timers fired.
pub const H_TIMER_COUNT: usize = 12;
/// Returns to JS (stops of run, advanceTo, flush) since creation or reset.
pub const H_STOPS: usize = 13;
/// H_STOPS when the account block was last written (-1: not yet); the block is current when equal.
pub const H_ACCOUNT_STOP: usize = 14;
/// Slot offset of the account block.
pub const H_ACCOUNT: usize = 15;
/// Slots of the account block (the execution layout's ACCOUNT_SLOTS).
pub const ACCOUNT_BLOCK: usize = crate::execution::layout::ACCOUNT_SLOTS;

// Event flags.
pub const EV_BAR_CLOSE: i64 = 1;
pub const EV_TICK: i64 = 2;
pub const EV_CROSS: i64 = 4;
pub const EV_TIMER: i64 = 8;
pub const EV_FLUSH: i64 = 16;
/// Order events (fills, triggers, expiries) caused by a tick or the clock, when the
/// execution option `wake` is set.
pub const EV_ORDER: i64 = 32;

// Timeframe header (f64 numbers unless marked i64).
/// i64: length in microseconds (nominal for day timeframes).
pub const T_MICROS: usize = 0;
/// Number of sessions for day timeframes, 0 for intraday.
pub const T_DAYS: usize = 1;
/// Completed bars since creation (the newest is number COMPLETED - 1).
pub const T_COMPLETED: usize = 2;
/// 1 when the partial bar holds a period in progress, 0 otherwise.
pub const T_HAS_PARTIAL: usize = 3;
/// i64: engine clock when the newest completed bar was completed (its closing tick's time).
pub const T_CLOSED_AT: usize = 4;

// Bar record.
pub const R_OPEN: usize = 0; // f64
pub const R_HIGH: usize = 1; // f64
pub const R_LOW: usize = 2; // f64
pub const R_CLOSE: usize = 3; // f64
pub const R_VOLUME: usize = 4; // f64
pub const R_TICKS: usize = 5; // f64 (an integer)
pub const R_TIME: usize = 6; // i64: start or end, as the barTime option says
pub const R_START: usize = 7; // i64: period start (inclusive)
pub const R_END: usize = 8; // i64: period end (exclusive)
pub const R_LAST: usize = 9; // i64: time of the last tick in the bar

pub fn tf_header(i: usize) -> usize {
    HEADER + i * TF_HEADER
}

pub fn partial(n: usize, i: usize) -> usize {
    HEADER + n * TF_HEADER + i * RECORD
}

pub fn ring(n: usize, depth: usize, i: usize, j: usize) -> usize {
    HEADER + n * TF_HEADER + n * RECORD + (i * depth + j) * RECORD
}

pub fn account_offset(n: usize, depth: usize) -> usize {
    ring(n, depth, n, 0)
}

pub fn total_slots(n: usize, depth: usize) -> usize {
    account_offset(n, depth) + ACCOUNT_BLOCK
}

/// Every constant by name, for the JS side (exported by the addon as `layout`).
pub const CONSTANTS: &[(&str, i64)] = &[
    ("HEADER", HEADER as i64),
    ("TF_HEADER", TF_HEADER as i64),
    ("RECORD", RECORD as i64),
    ("H_TF_COUNT", H_TF_COUNT as i64),
    ("H_DEPTH", H_DEPTH as i64),
    ("H_TICKS", H_TICKS as i64),
    ("H_CLOCK", H_CLOCK as i64),
    ("H_LAST_PRICE", H_LAST_PRICE as i64),
    ("H_EVENT", H_EVENT as i64),
    ("H_EVENT_TICK", H_EVENT_TICK as i64),
    ("H_CLOSED_MASK", H_CLOSED_MASK as i64),
    ("H_CROSS_DIR", H_CROSS_DIR as i64),
    ("H_CROSS_FIRST", H_CROSS_FIRST as i64),
    ("H_CROSS_COUNT", H_CROSS_COUNT as i64),
    ("H_TIMER_TIME", H_TIMER_TIME as i64),
    ("H_TIMER_COUNT", H_TIMER_COUNT as i64),
    ("H_STOPS", H_STOPS as i64),
    ("H_ACCOUNT_STOP", H_ACCOUNT_STOP as i64),
    ("H_ACCOUNT", H_ACCOUNT as i64),
    ("ACCOUNT_BLOCK", ACCOUNT_BLOCK as i64),
    ("EV_BAR_CLOSE", EV_BAR_CLOSE),
    ("EV_TICK", EV_TICK),
    ("EV_CROSS", EV_CROSS),
    ("EV_TIMER", EV_TIMER),
    ("EV_FLUSH", EV_FLUSH),
    ("EV_ORDER", EV_ORDER),
    ("T_MICROS", T_MICROS as i64),
    ("T_DAYS", T_DAYS as i64),
    ("T_COMPLETED", T_COMPLETED as i64),
    ("T_HAS_PARTIAL", T_HAS_PARTIAL as i64),
    ("T_CLOSED_AT", T_CLOSED_AT as i64),
    ("R_OPEN", R_OPEN as i64),
    ("R_HIGH", R_HIGH as i64),
    ("R_LOW", R_LOW as i64),
    ("R_CLOSE", R_CLOSE as i64),
    ("R_VOLUME", R_VOLUME as i64),
    ("R_TICKS", R_TICKS as i64),
    ("R_TIME", R_TIME as i64),
    ("R_START", R_START as i64),
    ("R_END", R_END as i64),
    ("R_LAST", R_LAST as i64),
];
