// The node side of @backtestr/engine-core: the native engine's classes, its layout, the bar path
// and the DuckDB chunk copy. Everything that touches the addon `@backtestr/native` is here.
export * from './bar-path';
export * from './engine-version';
export * from './execution-engine';
export * from './mtf-engine';
export * from './native-chunk-copy';
export * from './native-layout';
export * from './time-zone-transitions';
