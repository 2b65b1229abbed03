// *****************************************************************************
// The run store's contract (data-import's common index), re-exported as the analysis extension sees it.
// *****************************************************************************

export {
    RunStore, RunStatus, RunModels, RunConfig, RunHeadline, RunRecord, RunOrderColumns, RunEventColumns, RunTradeColumns,
    RunEquityColumns, RunSeriesColumns, RunLogColumns, RunOutput
} from '@backtestr/data-import';
