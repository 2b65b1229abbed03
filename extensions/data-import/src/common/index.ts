export * from './dataset-protocol';
export * from './run-store-protocol';
