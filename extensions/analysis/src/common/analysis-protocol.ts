// *****************************************************************************
// Analysis protocol: statistics of backtest runs and their documented definitions.
// *****************************************************************************

import { StatisticDefinition } from './statistics/statistic-definitions';

export const ANALYSIS_SERVICE_PATH = '/services/backtestr/analysis';

export const AnalysisService = Symbol('AnalysisService');
export interface AnalysisService {
    /** Every statistic the analysis computes, with its formula (see statistics/STATISTICS.md). */
    listStatisticDefinitions(): Promise<readonly StatisticDefinition[]>;
}
