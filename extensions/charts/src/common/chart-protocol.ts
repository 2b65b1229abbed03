// *****************************************************************************
// Charts protocol: the panel layout of the chart view.
// *****************************************************************************

import type { PanelIndicator } from './indicator-math';
import { isTimeframe, timeframeMicros } from '@backtestr/plugins-sdk';

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

/** Timeframes a panel can show (intraday ones and 1D: the replay re-simulates one session at most). */
export const CHART_TIMEFRAMES: readonly string[] = ['1m', '5m', '15m', '30m', '1H', '4H', '1D'];

/** Replay speeds: ticks per second, or a multiple of real time (`x`). */
export const REPLAY_SPEEDS: readonly string[] = ['1x', '10x', '100x', '10/s', '100/s', '1000/s', '10000/s', '100000/s'];

/** What the chart view stores with the workspace. */
export interface ChartViewState {
    readonly dataset?: { readonly instrumentId: number; readonly kind: 'trades' | 'quotes' | 'bars' };
    readonly kind: ChartLayoutKind;
    /** Six timeframes; the first `kind` are shown. */
    readonly timeframes: readonly string[];
    readonly linkTimeScales: boolean;
    /** Replay cursor (tick index); the last tick when absent. */
    readonly cursor?: number;
    /** Timeframe of the bar step buttons. */
    readonly stepTimeframe: string;
    readonly speed: string;
    /** Per panel (six), the indicators drawn on it with their options. */
    readonly indicators?: readonly (readonly PanelIndicator[])[];
}

/** Microseconds of a chart timeframe label, for ordering (`1m` < `5m` < ... < `1D`); unknown labels last. */
function timeframeOrder(tf: string): number {
    return isTimeframe(tf) ? timeframeMicros(tf) : Number.MAX_VALUE;
}

/**
 * The six panel timeframes for opening a run: the run's own timeframes (those a panel can show,
 * shortest first) in the first panels, then the current ones not among them. Unchanged when the
 * first `shown` panels already show every timeframe of the run.
 */
export function panelTimeframesForRun(runTimeframes: readonly string[], current: readonly string[], shown: number): readonly string[] {
    const own = [...new Set(runTimeframes.filter(t => CHART_TIMEFRAMES.includes(t)))].sort((a, b) => timeframeOrder(a) - timeframeOrder(b));
    const visible = current.slice(0, shown);
    if (own.every(t => visible.includes(t))) {
        return current;
    }
    return [...own, ...current.filter(t => !own.includes(t))].slice(0, 6);
}
