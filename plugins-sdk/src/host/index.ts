// *****************************************************************************
// `@backtestr/plugins-sdk/host`: what BackTestr itself (engine, charts, plugin host) uses of the SDK
// and strategy and plugin authors do not write against: the state memory's slot numbers and its
// reader, the tick columns' transfer order, the parameter resolution and the definition checks of a
// run. Not in the public index (`@backtestr/plugins-sdk`); may change without notice.
// *****************************************************************************
export { TICK_COLUMNS } from '../tick-source';
export { isStrategyDefinition, resolveParams, strategyTimeframes } from '../strategy';
export type { ParamInput } from '../strategy';
export { MtfState } from '../mtf-state';
export type { MtfStateLayout } from '../mtf-state';
