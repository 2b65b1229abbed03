// The public node entry of @backtestr/analysis (`@backtestr/analysis/lib/node`): what the CLI, the
// other extensions, their specs and benches use. Everything else in `lib/node` is internal.
export { tradesCsv } from '../common/report/report-csv';
export { exportRunFile, readRunOutput, RunNotFoundError } from './run-reports';
export { RunProgressFeedImpl } from './run-progress-feed-impl';
