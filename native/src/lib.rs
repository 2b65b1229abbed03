//! BackTestr native engine: the multi-timeframe (MTF) bar state of one instrument.
//!
//! The engine core (`timeframe`, `session`, `zone_table`, `layout`, `engine`) is plain Rust and knows
//! nothing of N-API; `napi` is the only module that talks to node and the only one
//! with `unsafe` code (enforced: the crate denies `unsafe_code` everywhere else).

#![deny(unsafe_code)]

pub mod engine;
pub mod execution;
pub mod layout;
pub mod session;
pub mod timeframe;
pub mod zone_table;

#[cfg(not(test))]
#[allow(unsafe_code)]
mod napi;
