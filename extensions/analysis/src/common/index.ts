export * from './analysis-protocol';
export * from './statistics';
