export * from './dataset-protocol';
export * from './run-store-protocol';
export * from './backtest-data-protocol';
export * from './price-scale';
