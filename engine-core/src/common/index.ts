// The browser-safe entry of @backtestr/engine-core (`@backtestr/engine-core/lib/common`): price and
// time conversions and the column types. No native addon, no Node built-ins.
export * from './engine-columns';
export * from './icu-zone-offsets';
export * from './price-scale';
