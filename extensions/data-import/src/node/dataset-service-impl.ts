// *****************************************************************************
// DatasetService over RPC: a thin injectable wrapper of the plain data classes. The database is
// `<workspace root>/.backtestr/workspace.duckdb`, opened on first use.
// *****************************************************************************

import { ContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { ILogger } from '@theia/core/lib/common/logger';
import { Disposable, DisposableCollection } from '@theia/core/lib/common/disposable';
import { inject, injectable, named, postConstruct } from '@theia/core/shared/inversify';
import {
    BarColumns, CsvFormatOptions, CsvPreset, DatasetClient, DatasetErrors, DatasetKey, DatasetService, DatasetSummary, ExportFormat, ImportPreview,
    ImportProgress, ImportRecord, ImportRequest, ImportResult, ImportSourceContribution, ImportSourceDescriptor, Instrument, PreviewRequest,
    QualityReport, QuarantinedRow, TickColumns, UnixMicros
} from '../common/dataset-protocol';
import { CSV_PRESETS } from './csv-presets';
import { DataImporter } from './data-importer';
import { DataQuality } from './data-quality';
import { DatasetExporter } from './dataset-exporter';
import { previewImport } from './import-preview';
import { ImportSourceRegistry } from './import-source-registry';
import { InstrumentCatalog } from './instrument-catalog';
import { defaultDataDir } from './sample-workspace';
import { DatasetChanges, TickRepository, WorkspaceDatabase, WorkspaceDatabaseProvider } from '@backtestr/workspace-store/lib/node';

@injectable()
export class DatasetServiceImpl implements DatasetService {

    @inject(ILogger) @named('data-import:DatasetServiceImpl')
    protected readonly logger: ILogger;

    @inject(WorkspaceDatabaseProvider)
    protected readonly databases: WorkspaceDatabaseProvider;

    @inject(ContributionProvider) @named(ImportSourceContribution)
    protected readonly importSourceContributions: ContributionProvider<ImportSourceContribution>;

    protected running?: { controller: AbortController; progress?: ImportProgress };
    /** The database file, once opened: the datasets whose changes the clients are told of. */
    protected databasePath?: string;
    /** One per frontend connection (data-import-backend-module.ts), removed when it closes. */
    protected readonly clients = new Set<DatasetClient>();
    protected readonly toDispose = new DisposableCollection();

    @postConstruct()
    protected init(): void {
        // Every committed change of the datasets, whichever code path made it (this service, the CLI through the workspace's owner).
        this.toDispose.push(DatasetChanges.onDidChange(() => this.databasePath, () => {
            for (const client of this.clients) {
                try {
                    client.onDidChangeDatasets();
                } catch (error) {
                    this.logger.warn(`A dataset client failed: ${error instanceof Error ? error.message : String(error)}`);
                }
            }
        }));
    }

    /** Pushes dataset changes to `client` until the returned disposable is disposed (its connection closed). */
    addClient(client: DatasetClient): Disposable {
        this.clients.add(client);
        return Disposable.create(() => this.clients.delete(client));
    }

    protected workspaceRoot(): Promise<string> {
        return this.databases.workspaceRoot();
    }

    protected async db(): Promise<WorkspaceDatabase> {
        const db = await this.databases.db();
        this.databasePath = db.path;
        return db;
    }

    protected async repo(): Promise<TickRepository> {
        return new TickRepository(await this.db());
    }

    async listDatasets(): Promise<DatasetSummary[]> {
        return (await this.repo()).listDatasets();
    }

    async listInstruments(): Promise<Instrument[]> {
        return (await this.repo()).listInstruments();
    }

    async listPresets(): Promise<CsvPreset[]> {
        return [...CSV_PRESETS];
    }

    /** The import sources of the bound contributions (the plugins extension binds one for the enabled plugins). */
    protected importSources(): ImportSourceRegistry {
        return new ImportSourceRegistry(this.importSourceContributions.getContributions());
    }

    async preview(file: string, csv?: CsvFormatOptions, maxRows?: number): Promise<ImportPreview> {
        return previewImport({ path: file, csv, maxRows }, this.importSources());
    }

    async previewImport(request: PreviewRequest): Promise<ImportPreview> {
        return previewImport(request, this.importSources());
    }

    async listImportSources(): Promise<ImportSourceDescriptor[]> {
        return this.importSources().list();
    }

    async importData(request: ImportRequest): Promise<ImportResult> {
        return this.runImport(async () => request);
    }

    async reimportDataset(key: DatasetKey): Promise<ImportResult> {
        return this.runImport(importer => importer.reimportRequest(key));
    }

    protected async runImport(request: (importer: DataImporter) => Promise<ImportRequest>): Promise<ImportResult> {
        if (this.running) {
            throw DatasetErrors.ImportBusy();
        }
        const run: { controller: AbortController; progress?: ImportProgress } = { controller: new AbortController() };
        this.running = run;
        try {
            const importer = new DataImporter(await this.db(), InstrumentCatalog.fromDataDir(defaultDataDir()), this.importSources());
            const result = await importer.import(await request(importer), { signal: run.controller.signal, onProgress: p => run.progress = p });
            this.logger.info(`Import #${result.importId}: ${result.rows} rows, ${result.quarantined} quarantined, ${result.rowsPerSecond} rows/s`);
            return result;
        } finally {
            this.running = undefined;
        }
    }

    async getImportProgress(): Promise<ImportProgress | undefined> {
        return this.running?.progress;
    }

    async cancelImport(): Promise<void> {
        this.running?.controller.abort();
    }

    async listImports(): Promise<ImportRecord[]> {
        return (await this.repo()).listImports();
    }

    async getQuarantine(importId?: number, offset?: number, limit?: number): Promise<QuarantinedRow[]> {
        return (await this.repo()).getQuarantine(importId, offset, limit);
    }

    async getQualityReport(key: DatasetKey): Promise<QualityReport | undefined> {
        return new DataQuality(await this.db()).report(key);
    }

    async computeQualityReport(key: DatasetKey): Promise<QualityReport> {
        return new DataQuality(await this.db()).compute(key);
    }

    async readBars(key: DatasetKey, timeframe: string, from?: UnixMicros, to?: UnixMicros, limit?: number): Promise<BarColumns> {
        return (await this.repo()).readBars(key, timeframe, from, to, limit);
    }

    async readTicks(key: DatasetKey, from: UnixMicros, to: UnixMicros, limit?: number): Promise<TickColumns> {
        const ticks = await (await this.repo()).readTicks(key, from, to);
        if (limit === undefined || ticks.count <= limit) {
            return ticks;
        }
        const n = Math.max(0, Math.trunc(limit));
        return {
            count: n, time: ticks.time.slice(0, n), price: ticks.price?.slice(0, n), size: ticks.size?.slice(0, n),
            bid: ticks.bid?.slice(0, n), ask: ticks.ask?.slice(0, n), flags: ticks.flags.slice(0, n)
        };
    }

    async deleteDataset(key: DatasetKey): Promise<void> {
        const db = await this.db();
        await new TickRepository(db).deleteDataset(key);
        DatasetChanges.announce(db.path);
    }

    async exportDataset(key: DatasetKey, format: ExportFormat, targetPath: string): Promise<{ path: string; rows: number; bytes: number }> {
        return new DatasetExporter(await this.db()).export(key, format, targetPath);
    }

    dispose(): void {
        this.toDispose.dispose();
        this.clients.clear();
        this.databases.dispose();
    }
}
