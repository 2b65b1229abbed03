// *****************************************************************************
// The addon's DuckDB result copy (native/src/napi_duckdb.rs): a materialized result's chunks into
// typed arrays with one native call per result. The storage's reader (duckdb-chunk-copy.ts of
// @backtestr/workspace-store) loads it lazily and falls back to node-bindings without it.
// *****************************************************************************

export { duckdbAttach, duckdbCopyResult } from '@backtestr/native';
