// *****************************************************************************
// The engine version a run records: the native addon's package version.
// *****************************************************************************

export const ENGINE_VERSION: string = (require('@backtestr/native/package.json') as { version: string }).version;
