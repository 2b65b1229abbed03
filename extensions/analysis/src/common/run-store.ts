// *****************************************************************************
// The run store's contract, as the analysis extension sees it (one place to import it from).
// *****************************************************************************

// The data-import common index does not export the run store protocol yet; switch this line to
// `from '@backtestr/data-import'` once it does (the only import of it in this extension).
// eslint-disable-next-line backtestr/runtime-folders
export * from '@backtestr/data-import/lib/common/run-store-protocol';
