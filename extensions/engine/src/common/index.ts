export * from './engine-protocol';
