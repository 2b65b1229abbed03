export * from './chart-protocol';
export * from './replay-protocol';
export * from './bar-math';
export * from './run-overlay-protocol';
export * from './run-overlay-math';
export * from './indicator-math';
export * from './live-chart-protocol';
export * from './live-bar-math';
