// What strategy and plugin authors write against. What only BackTestr itself uses (slot numbers, the
// tick columns' order, parameter resolution) is in './host' (`@backtestr/plugins-sdk/host`).
export * from './types';
export * from './indicator';
export { DEFAULT_TIMEFRAMES, defineStrategy, readFile, readFileBytes } from './strategy';
export type { ParamSpec, ParamValues, StrategyContext, StrategyDefinition, StrategyPermissions, Subscriptions } from './strategy';
export * from './timeframe';
export * from './orders';
export * from './sma-calculation';
export type { TickBatch, TickSource } from './tick-source';
export type { BarView, MtfSeries } from './mtf-state';
export * from './indicators';
export * from './data-source';
export * from './report-section';
