export * from './types';
export * from './indicator';
export * from './strategy';
export * from './orders';
export * from './sma-calculation';
export * from './tick-source';
export * from './mtf-state';
export * from './indicators';
