// *****************************************************************************
// The chart view's stored state: its defaults, and a state read back from the layout (anything
// missing or not valid replaced by the default).
// *****************************************************************************

import { CHART_TIMEFRAMES, ChartLayoutKind, ChartViewState, DEFAULT_CHART_LAYOUT } from '../common/chart-protocol';

/** The chart view's state before any is restored: the default layout, 1m bar steps, 1000 ticks a second. */
export const DEFAULT_CHART_VIEW_STATE: ChartViewState = {
    kind: DEFAULT_CHART_LAYOUT.kind,
    timeframes: DEFAULT_CHART_LAYOUT.timeframes,
    linkTimeScales: DEFAULT_CHART_LAYOUT.linkTimeScales,
    stepTimeframe: '1m',
    speed: '1000/s'
};

/** The chart view state stored as `oldState` (by `storeState`), with defaults for what is missing or not valid. */
export function restoredChartViewState(oldState: object): ChartViewState {
    const s = oldState as Partial<ChartViewState>;
    const kind = [1, 2, 4, 6].includes(Number(s.kind)) ? Number(s.kind) as ChartLayoutKind : DEFAULT_CHART_VIEW_STATE.kind;
    const timeframes = Array.isArray(s.timeframes) && s.timeframes.length === 6 && s.timeframes.every(t => CHART_TIMEFRAMES.includes(t))
        ? s.timeframes : DEFAULT_CHART_VIEW_STATE.timeframes;
    return {
        kind, timeframes,
        linkTimeScales: s.linkTimeScales === true,
        stepTimeframe: CHART_TIMEFRAMES.includes(s.stepTimeframe ?? '') ? s.stepTimeframe! : DEFAULT_CHART_VIEW_STATE.stepTimeframe,
        speed: typeof s.speed === 'string' ? s.speed : DEFAULT_CHART_VIEW_STATE.speed,
        dataset: s.dataset, cursor: typeof s.cursor === 'number' ? s.cursor : undefined,
        indicators: Array.isArray(s.indicators) ? s.indicators.map(list => Array.isArray(list)
            ? list.filter(x => typeof x?.id === 'string').map(x => ({ id: x.id, options: typeof x.options === 'object' && x.options ? x.options : {} }))
            : []) : undefined
    };
}
