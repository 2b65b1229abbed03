export * from './dataset-protocol';
