export * from './engine-protocol';
export * from './strategy-language-protocol';
