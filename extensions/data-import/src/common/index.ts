export * from './dataset-protocol';
export * from './price-scale';
