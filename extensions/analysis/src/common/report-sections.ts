// *****************************************************************************
// Report sections contributed by plugins (the plugin host's `reportSections` contribution point):
// what one section of one run is once rendered, or why it is not, and the plain-data input a
// section is computed from. The sections are shown in the Analysis view, printed on the PDF
// tearsheet and written into the JSON export.
// *****************************************************************************

import type { ReportSectionData, ReportSectionInput } from '@backtestr/plugins';
import { RunEquityColumns, RunTradeColumns } from './run-store';

/** Who contributed a section: a run-time plugin or a build-time extension, with the name to show. */
export interface ReportSectionOrigin {
    readonly kind: 'plugin' | 'extension';
    /** Plugin id or extension package name. */
    readonly id: string;
    /** The plugin's display name (its id when unknown). */
    readonly name: string;
}

/** One section of one run: its data, or the error that stands in its place (never both). */
export interface RunReportSection {
    /** The contribution's id, e.g. `examples.trade-summary`. */
    readonly sectionId: string;
    /** The contribution's label. */
    readonly label: string;
    readonly origin: ReportSectionOrigin;
    readonly data?: ReportSectionData;
    /** Why the section has no data: the plugin threw, hung, returned a malformed section or is not running. */
    readonly error?: string;
}

/** What the report writers call to get the sections of a run. */
export type ReportSectionSource = (input: ReportSectionInput) => Promise<readonly RunReportSection[]>;

/** The heading a section is shown under: its title (or label) and the plugin that made it. */
export function reportSectionHeading(section: RunReportSection): string {
    return `${section.data?.title ?? section.label} · ${section.origin.kind === 'plugin' ? 'plugin' : 'extension'} ${section.origin.name}`;
}

/** A value cell as text: numbers as they are (a plugin formats what it wants formatted). */
export function reportSectionValue(value: string | number): string {
    return typeof value === 'number' ? String(value) : value;
}

/**
 * The input of a report section (the plugin host's contract): the run's closed trades in closing
 * order (times in microseconds UTC, P&L net of costs) and its equity samples.
 */
export function reportSectionInput(trades: RunTradeColumns, equity: Pick<RunEquityColumns, 'time' | 'equity'>): ReportSectionInput {
    const list: ReportSectionInput['trades'][number][] = new Array(trades.pnl.length);
    for (let i = 0; i < list.length; i++) {
        list[i] = { entryTime: trades.entryTime[i], exitTime: trades.exitTime[i], side: trades.side[i] < 0 ? 'short' : 'long', pnl: trades.pnl[i] };
    }
    return { trades: list, equity: { time: Array.from(equity.time), value: Array.from(equity.equity) } };
}
