export * from './engine-protocol';
export * from './strategy-language-protocol';
export * from './run-live-feed';
export * from './engine-preferences';
