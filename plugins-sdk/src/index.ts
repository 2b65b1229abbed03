export * from './types';
export * from './indicator';
export * from './strategy';
export * from './sma-calculation';
