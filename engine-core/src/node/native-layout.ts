// *****************************************************************************
// The slot numbers of the native engine's memory, read once from the addon: the state memory
// (`layout()`: header, per-timeframe headers, bar records, event flags) and the execution records
// (`executionLayout()`: orders, events, account, trades, positions). native/README.md documents
// both; the record arithmetic over the state memory is MtfState's (@backtestr/plugins-sdk/host).
// The layout objects are dictionaries (slow to read per tick): hot loops copy the slots they
// need into constants once.
// *****************************************************************************

import * as native from '@backtestr/native';

export type { NativeExecutionLayout, NativeLayout } from '@backtestr/native';

/** Slot indexes and event flags of the state memory. */
export const MTF_LAYOUT: native.NativeLayout = native.layout();

/** Slot indexes and codes of the order, event, account and trade records. */
export const EXEC_LAYOUT: native.NativeExecutionLayout = native.executionLayout();
