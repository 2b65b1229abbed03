// The entry of @backtestr/engine-core (node): the one module that owns the native addon. Browser
// code imports `@backtestr/engine-core/lib/common` (conversions and column types) instead.
export * from './common';
export * from './node';
