// The public node entry of @backtestr/engine (`@backtestr/engine/lib/node`): what the CLI, the other
// extensions, their specs and benches use. Everything else in `lib/node` is internal.
export { ActiveRuns } from './active-runs';
export { auditLookAhead, DEFAULT_AUDIT_CUTS, LookAheadAuditOutcome, LookAheadVerdict } from './audit/look-ahead-audit';
export { BacktestOutcome, BacktestRequest, BacktestServices, runBacktest } from './backtest-runner';
export { ENGINE_VERSION } from '@backtestr/engine-core';
export { runStrategy } from './strategy-host/strategy-runner';
export { StrategyRunError } from './strategy-host/strategy-run-protocol';
