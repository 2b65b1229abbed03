// *****************************************************************************
// The run store's contract (the workspace store's common index), re-exported as the analysis extension sees it.
// *****************************************************************************

export {
    RunStore, RunStatus, RunModels, RunConfig, RunHeadline, RunRecord, RunOrderColumns, RunEventColumns, RunTradeColumns,
    RunEquityColumns, RunSeriesColumns, RunLogColumns, RunOutput, RunLookAhead
} from '@backtestr/workspace-store';
