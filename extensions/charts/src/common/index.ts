export * from './chart-protocol';
export * from './replay-protocol';
export * from './bar-math';
