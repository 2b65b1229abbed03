// The public entry of @backtestr/workspace-store: the store's plain-data types and the Symbols of its
// backend services (RunStore, BacktestData). Node code uses `@backtestr/workspace-store/lib/node`.
export * from './workspace-store-protocol';
export * from './run-store-protocol';
export * from './backtest-data-protocol';
