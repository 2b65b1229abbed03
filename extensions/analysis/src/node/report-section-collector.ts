// *****************************************************************************
// Asks every enabled report-section contribution (run-time plugins through the plugin host, and
// build-time extensions) for its section of a run. One section failing (throw, hang, malformed
// output, plugin stopped meanwhile) becomes an error entry naming it; the others are unaffected.
// Without the plugins extension in the application there are no sections.
// *****************************************************************************

import { ILogger } from '@theia/core/lib/common/logger';
import { inject, injectable, named, optional } from '@theia/core/shared/inversify';
import { ContributionDescriptor, PluginErrors, PluginService, ReportSectionInput } from '@backtestr/plugins';
import { ReportSectionSource, RunReportSection } from '../common/report-sections';

@injectable()
export class ReportSectionCollector {

    @inject(PluginService) @optional()
    protected readonly plugins: PluginService | undefined;

    @inject(ILogger) @named('analysis:ReportSectionCollector')
    protected readonly logger: ILogger;

    /** The report writers' source of sections, or undefined when the application has no plugin host. */
    get source(): ReportSectionSource | undefined {
        return this.plugins ? input => this.collect(input) : undefined;
    }

    /** The sections of one run, ordered by section id; never rejects because of a section. */
    async collect(input: ReportSectionInput): Promise<RunReportSection[]> {
        const plugins = this.plugins;
        if (!plugins) {
            return [];
        }
        let descriptors: ContributionDescriptor[];
        let names: Map<string, string>;
        try {
            const [contributions, installed] = await Promise.all([plugins.listContributions('reportSections'), plugins.listPlugins()]);
            descriptors = contributions.filter(d => d.kind === 'reportSections').sort((a, b) => a.id.localeCompare(b.id));
            names = new Map(installed.map(p => [p.id, p.displayName]));
        } catch (error) {
            this.logger.error(`Listing the report sections failed: ${this.reason(error)}`);
            return [];
        }
        return Promise.all(descriptors.map(async d => {
            const origin = { kind: d.origin.kind, id: d.origin.id, name: names.get(d.origin.id) ?? d.origin.id };
            const base = { sectionId: d.id, label: d.label, origin };
            try {
                // The plugin service checks the section's shape (in the plugin's host worker, or for a build-time extension).
                const data = await plugins.renderReportSection(d.id, input);
                return { ...base, data: { title: data.title, rows: data.rows.map(r => ({ label: r.label, value: r.value })) } };
            } catch (error) {
                const reason = this.reason(error);
                this.logger.warn(`Report section ${d.id} of ${d.origin.kind} ${d.origin.id} failed: ${reason}`);
                return { ...base, error: reason };
            }
        }));
    }

    /** A plugin fault's reason (the plugin host already names the plugin and disables it), else the error's message. */
    protected reason(error: unknown): string {
        if (error instanceof Error && PluginErrors.PluginFailed.is(error)) {
            return `${error.data.reason} (the plugin was disabled: see the Plugins view)`;
        }
        return error instanceof Error ? error.message : String(error);
    }
}
