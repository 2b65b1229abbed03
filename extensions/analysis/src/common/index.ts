export * from './analysis-protocol';
