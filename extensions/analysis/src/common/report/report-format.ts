// *****************************************************************************
// Formatting of figures, times and durations for the dashboard and the reports (one place).
// *****************************************************************************

import { StatisticUnit } from '../statistics/statistic-definitions';
import { UnixMicros } from '../statistics/statistics-types';

const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const RATIO = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 3 });
const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** ISO-8601 UTC time of microseconds since 1970, e.g. `2017-01-02 07:01:00`. */
export function formatTime(time: UnixMicros | undefined): string {
    if (time === undefined || !Number.isFinite(time)) {
        return '';
    }
    return new Date(Math.floor(time / 1000)).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
}

export function formatDuration(micros: number): string {
    const seconds = micros / 1e6;
    if (seconds < 60) {
        return `${COUNT.format(seconds)} s`;
    }
    if (seconds < 3600) {
        return `${COUNT.format(seconds / 60)} min`;
    }
    if (seconds < 86400 * 2) {
        return `${COUNT.format(seconds / 3600)} h`;
    }
    return `${COUNT.format(seconds / 86400)} d`;
}

export function formatPercent(fraction: number, digits = 2): string {
    return `${(fraction * 100).toFixed(digits)} %`;
}

/** A figure in its unit; '-' when undefined. */
export function formatStatistic(value: number | undefined, unit: StatisticUnit): string {
    if (value === undefined || Number.isNaN(value)) {
        return '-';
    }
    switch (unit) {
        case 'money': return MONEY.format(value);
        case 'fraction': return formatPercent(value);
        case 'count': return COUNT.format(value);
        case 'bars': return COUNT.format(value);
        case 'duration': return formatDuration(value);
        case 'time': return formatTime(value);
        case 'price': return String(value);
        default: return RATIO.format(value);
    }
}

/** Text for HTML: & < > " ' escaped. */
export function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, c => c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;');
}
