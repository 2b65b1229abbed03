import { Disposable, DisposableCollection } from '@theia/core/lib/common/disposable';
import { inject, injectable, optional } from '@theia/core/shared/inversify';
import {
    AnalysisClient, AnalysisErrors, AnalysisService, ExportedFile, RunComparison, RunExportFormat, RUN_EXPORT_FORMATS
} from '../common/analysis-protocol';
import { RunAnalysis } from '../common/run-analysis';
import { BacktestData } from '@backtestr/workspace-store';
import { RunRecord, RunStore } from '../common/run-store';
import { STATISTIC_DEFINITIONS, StatisticDefinition } from '../common/statistics/statistic-definitions';
import { exportRunFile, readRunAnalysis, RunNotFoundError } from './run-reports';
import { ReportSectionCollector } from './report-section-collector';
import { RunProgressFeedImpl } from './run-progress-feed-impl';

/** One per frontend connection: it registers its client with the shared RunProgressFeedImpl. */
@injectable()
export class AnalysisServiceImpl implements AnalysisService {

    @inject(RunStore) @optional()
    protected readonly runStore: RunStore | undefined;

    @inject(RunProgressFeedImpl)
    protected readonly feed: RunProgressFeedImpl;

    /** The workspace's market data, for the bars export. */
    @inject(BacktestData) @optional()
    protected readonly data: BacktestData | undefined;

    /** Report sections of plugins (none when the application has no plugin host). */
    @inject(ReportSectionCollector)
    protected readonly sections: ReportSectionCollector;

    protected readonly toDispose = new DisposableCollection();
    protected clientRegistration: Disposable | undefined;

    setClient(client: AnalysisClient | undefined): void {
        this.clientRegistration?.dispose();
        this.clientRegistration = client ? this.feed.addClient(client) : undefined;
    }

    dispose(): void {
        this.setClient(undefined);
        this.toDispose.dispose();
    }

    async listStatisticDefinitions(): Promise<readonly StatisticDefinition[]> {
        return STATISTIC_DEFINITIONS;
    }

    async listRuns(): Promise<RunRecord[]> {
        return this.store().listRuns();
    }

    async getRunAnalysis(runId: string): Promise<RunAnalysis> {
        return this.withRun(runId, () => readRunAnalysis(this.store(), runId, undefined, this.sections.source));
    }

    async compareRuns(runIds: readonly string[]): Promise<RunComparison> {
        const runs = await Promise.all(runIds.map(id => this.withRun(id, () => readRunAnalysis(this.store(), id, { maxBuckets: 400 }))));
        return { runs: runs.map(a => ({ run: a.run, headline: a.headline, statistics: a.statistics, equity: a.equity })) };
    }

    async exportRun(runId: string, format: RunExportFormat): Promise<ExportedFile> {
        if (!RUN_EXPORT_FORMATS.includes(format)) {
            throw AnalysisErrors.ReportFailed(String(format), `unknown format; one of ${RUN_EXPORT_FORMATS.join(', ')}`);
        }
        try {
            return await this.withRun(runId, () => exportRunFile(this.store(), runId, format, this.data, this.sections.source));
        } catch (error) {
            if (error instanceof Error && AnalysisErrors.RunNotFound.is(error)) {
                throw error;
            }
            throw AnalysisErrors.ReportFailed(format, error instanceof Error ? error.message : String(error));
        }
    }

    protected store(): RunStore {
        if (!this.runStore) {
            throw AnalysisErrors.NoRunStore();
        }
        return this.runStore;
    }

    protected async withRun<T>(runId: string, work: () => Promise<T>): Promise<T> {
        try {
            return await work();
        } catch (error) {
            throw error instanceof RunNotFoundError ? AnalysisErrors.RunNotFound(runId) : error;
        }
    }
}
