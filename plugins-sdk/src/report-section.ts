// What a report section is written against: a finished run's summary in (plain data), a title and
// label/value rows out (no markup). The same contract for run-time plugins (an engine module
// exporting `reportSections: [...]`) and build-time extensions (registering a `ReportSectionRenderer`).
import { checkContributionId } from './contribution-id';

/** The summary of a finished run a report section is computed from (plain data). */
export interface ReportSectionInput {
    readonly trades: readonly { readonly entryTime: number; readonly exitTime: number; readonly side: 'long' | 'short'; readonly pnl: number }[];
    readonly equity?: { readonly time: readonly number[]; readonly value: readonly number[] };
}

/** What a report section returns: a title and rows of label/value cells (no markup). */
export interface ReportSectionData {
    readonly title: string;
    readonly rows: readonly { readonly label: string; readonly value: string | number }[];
}

/** What renders a report section (in-process for build-time extensions, in the plugin host for plugins). */
export interface ReportSectionRenderer {
    render(input: ReportSectionInput): Promise<ReportSectionData>;
}

/** A report section as a plugin's engine module exports it (`module.exports = { reportSections: [...] }`). */
export interface ReportSectionDefinition {
    readonly id: string;
    readonly label: string;
    render(input: ReportSectionInput): ReportSectionData | Promise<ReportSectionData>;
}

/** Checks a report section's id and render function and returns it frozen; the messages name the section. */
export function defineReportSection(definition: ReportSectionDefinition): ReportSectionDefinition {
    checkContributionId('Report section', definition.id, 'acme.trade-summary');
    if (typeof definition.render !== 'function') {
        throw new Error(`Report section '${definition.id}' has no render(input) function: add one returning { title, rows }.`);
    }
    return Object.freeze({ ...definition });
}
