// *****************************************************************************
// Workbench protocol: facts about the product and the sample workspace.
// *****************************************************************************

export const WORKBENCH_SERVICE_PATH = '/services/backtestr/workbench';

/** Workspace-relative path of the sample strategy the welcome page opens. */
export const SAMPLE_STRATEGY_PATH = 'strategies/sma-cross-1h-filter.ts';

export interface ProductInfo {
    readonly name: string;
    readonly version: string;
    /** Where the sample market data comes from: the shared real data folder or the synthetic generator. */
    readonly sampleDataSource: 'real' | 'synthetic';
}

export const WorkbenchService = Symbol('WorkbenchService');
export interface WorkbenchService {
    getProductInfo(): Promise<ProductInfo>;
}
