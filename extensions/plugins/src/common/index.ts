export * from './plugin-manifest';
export * from './plugin-contribution';
export * from './plugin-protocol';
export * from './plugin-preferences';
