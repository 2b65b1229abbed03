// *****************************************************************************
// Charts protocol: the panel layout of the chart view and the backend that serves it.
// *****************************************************************************

export const CHART_SERVICE_PATH = '/services/backtestr/charts';

/** How many panels the chart view shows at once. */
export type ChartLayoutKind = 1 | 2 | 4 | 6;

export interface ChartLayout {
    readonly kind: ChartLayoutKind;
    /** One timeframe per panel, in reading order (left to right, top to bottom). */
    readonly timeframes: readonly string[];
    /** Zoom and scroll of all panels move together when set. */
    readonly linkTimeScales: boolean;
}

export const DEFAULT_CHART_LAYOUT: ChartLayout = {
    kind: 6,
    timeframes: ['1m', '5m', '15m', '1H', '4H', '1D'],
    linkTimeScales: false
};

export const ChartService = Symbol('ChartService');
export interface ChartService {
    getDefaultLayout(): Promise<ChartLayout>;
}
