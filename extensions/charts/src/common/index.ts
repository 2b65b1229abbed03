export * from './chart-protocol';
