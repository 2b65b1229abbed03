import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { WidgetManager } from '@theia/core/lib/browser/widget-manager';
import { Message } from '@theia/core/shared/@lumino/messaging';
import { FileDialogService } from '@theia/filesystem/lib/browser/file-dialog/file-dialog-service';
import {
    CrossedQuotePolicy, CsvColumnMapping, CsvFormatOptions, CsvPreset, DatasetKind, DatasetService, ImportPreview, ImportProgress, ImportRequest,
    ImportResult, ImportSourceDescriptor, importSourceMatches, OverlapPolicy, QuarantinedRow, TimestampFormat
} from '../common/dataset-protocol';
import { DatasetsWidget } from './datasets-widget';

const TIMESTAMP_FORMATS: readonly TimestampFormat[] = [
    'epoch-s', 'epoch-ms', 'epoch-us', 'epoch-ns', 'iso8601', 'yyyymmdd-hhmmss', 'date+time', 'ms-since-midnight'
];
const KINDS: readonly DatasetKind[] = ['trades', 'quotes', 'bars'];
const COLUMN_KEYS: readonly (keyof CsvColumnMapping)[] = [
    'time', 'date', 'price', 'size', 'bid', 'ask', 'bidSize', 'askSize', 'open', 'high', 'low', 'close', 'volume', 'exchange', 'suspicious'
];
const AUTO = 'auto';
const CUSTOM = 'custom';
/** Format choices besides `auto`: the built-in formats, and `source:<id>` for a contributed import source. */
const BUILT_IN_FORMATS = [['csv', 'CSV'], ['fix', 'FIX'], ['binary', 'Binary ticks']] as const;
const SOURCE_PREFIX = 'source:';
const PREVIEW_ROWS = 12;
const QUARANTINE_PAGE = 200;

/** `time=0, bid=1, ask=2` */
function formatColumns(columns: CsvColumnMapping): string {
    return COLUMN_KEYS.filter(k => columns[k] !== undefined).map(k => `${k}=${columns[k]}`).join(', ');
}

/** Parses `time=0, bid=1, ask=2`; undefined when a part is not `name=index` of a known field. */
function parseColumns(text: string): CsvColumnMapping | undefined {
    const mapping: Record<string, number> = {};
    for (const part of text.split(',').map(p => p.trim()).filter(p => p.length > 0)) {
        const m = /^(\w+)\s*=\s*(\d+)$/.exec(part);
        if (!m || !(COLUMN_KEYS as readonly string[]).includes(m[1])) {
            return undefined;
        }
        mapping[m[1]] = Number(m[2]);
    }
    return mapping.time === undefined ? undefined : mapping as unknown as CsvColumnMapping;
}

function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

/**
 * The import wizard: a file or folder, its detected format and preset, CSV options that re-run the
 * preview live, the instrument, then the import with live progress, its result and its quarantine.
 */
@injectable()
export class ImportWizardWidget extends ReactWidget {

    static readonly ID = 'backtestr-import-wizard';
    static readonly LABEL = 'Import Data';

    @inject(DatasetService)
    protected readonly datasetService: DatasetService;

    @inject(FileDialogService)
    protected readonly fileDialogService: FileDialogService;

    @inject(WidgetManager)
    protected readonly widgetManager: WidgetManager;

    protected path = '';
    protected presets: CsvPreset[] = [];
    /** Import sources of extensions and enabled plugins (listed again for every path: plugins come and go). */
    protected sources: ImportSourceDescriptor[] = [];
    /** `auto`, `csv`, `fix`, `binary` or `source:<id>`. */
    protected formatChoice = AUTO;
    /** `auto`, a preset id, or `custom` once the user edited an option. */
    protected presetChoice = AUTO;
    /** Crossed quotes (bid above ask): `auto` leaves it to the preset (keep for the Lean OANDA and equity quotes, else quarantine). */
    protected crossedChoice: typeof AUTO | CrossedQuotePolicy = AUTO;
    /** Rows of days the dataset already stores (another file of them): skipped and counted (default), or quarantined. */
    protected overlapChoice: OverlapPolicy = 'skip';
    /** The options the user chose; undefined while detection decides. */
    protected csv: CsvFormatOptions | undefined;
    protected preview: ImportPreview | undefined;
    protected detectedPresetId: string | undefined;
    protected previewError: string | undefined;
    protected previewing = false;
    protected previewSequence = 0;
    protected previewTimer: ReturnType<typeof setTimeout> | undefined;
    /** Bumped when the options change from outside the inputs (detection, preset), to reset them. */
    protected optionsVersion = 0;
    protected columnsError: string | undefined;

    protected symbol = '';
    protected tickSize = '';

    protected importing = false;
    protected progress: ImportProgress | undefined;
    protected progressTimer: ReturnType<typeof setInterval> | undefined;
    protected result: ImportResult | undefined;
    protected importError: string | undefined;
    protected quarantine: QuarantinedRow[] | undefined;
    protected pathInput: HTMLInputElement | null = null;

    @postConstruct()
    protected init(): void {
        this.id = ImportWizardWidget.ID;
        this.title.label = ImportWizardWidget.LABEL;
        this.title.caption = 'Import market data into the workspace database';
        this.title.iconClass = codicon('cloud-download');
        this.title.closable = true;
        this.addClass('backtestr-import-wizard');
        this.update();
        this.loadPresets();
        this.loadSources();
    }

    protected async loadSources(): Promise<void> {
        try {
            this.sources = await this.datasetService.listImportSources();
        } catch {
            this.sources = [];
        }
        this.update();
    }

    protected async loadPresets(): Promise<void> {
        try {
            this.presets = await this.datasetService.listPresets();
        } catch (error) {
            this.previewError = `Could not list the presets: ${errorMessage(error)}`;
        }
        this.update();
    }

    protected override onActivateRequest(msg: Message): void {
        super.onActivateRequest(msg);
        (this.pathInput ?? this.node).focus();
    }

    override dispose(): void {
        clearTimeout(this.previewTimer);
        clearInterval(this.progressTimer);
        super.dispose();
    }

    /** Sets the path (as Browse… does) and previews it. */
    setPath(path: string): void {
        if (this.pathInput) {
            this.pathInput.value = path;
        }
        this.changePath(path, 0);
    }

    /** Another file: detection decides its options again. */
    protected changePath(path: string, previewDelayMs = 300): void {
        this.path = path;
        this.formatChoice = AUTO;
        this.loadSources();
        if (this.presetChoice !== AUTO || this.csv) {
            this.presetChoice = AUTO;
            this.csv = undefined;
            this.columnsError = undefined;
            this.optionsVersion++;
        }
        this.update();
        this.schedulePreview(previewDelayMs);
    }

    protected schedulePreview(delayMs = 300): void {
        clearTimeout(this.previewTimer);
        this.previewTimer = setTimeout(() => this.runPreview(), delayMs);
    }

    protected async runPreview(): Promise<void> {
        const sequence = ++this.previewSequence;
        const path = this.path.trim();
        if (!path) {
            this.preview = undefined;
            this.previewError = undefined;
            this.update();
            return;
        }
        this.previewing = true;
        this.update();
        try {
            const choice = this.formatChoice;
            const preview = await this.datasetService.previewImport({
                path, csv: this.csv, maxRows: PREVIEW_ROWS,
                ...(choice.startsWith(SOURCE_PREFIX) ? { sourceId: choice.slice(SOURCE_PREFIX.length) } : { format: choice as ImportRequest['format'] })
            });
            if (sequence !== this.previewSequence) {
                return;
            }
            if (!this.csv) {
                // Detection decided: show what it chose in the option inputs.
                this.detectedPresetId = preview.presetId;
                if (JSON.stringify(preview.csv) !== JSON.stringify(this.preview?.csv)) {
                    this.optionsVersion++;
                }
            }
            this.preview = preview;
            this.previewError = undefined;
        } catch (error) {
            if (sequence !== this.previewSequence) {
                return;
            }
            this.preview = undefined;
            this.previewError = errorMessage(error);
        } finally {
            if (sequence === this.previewSequence) {
                this.previewing = false;
                this.update();
            }
        }
    }

    /** The options in effect: the user's, else the detected ones. */
    protected get options(): CsvFormatOptions | undefined {
        return this.csv ?? this.preview?.csv;
    }

    protected choosePreset(choice: string): void {
        this.presetChoice = choice;
        this.csv = choice === AUTO || choice === CUSTOM ? (choice === CUSTOM ? this.options : undefined) : this.presets.find(p => p.id === choice)?.format;
        this.columnsError = undefined;
        this.optionsVersion++;
        this.schedulePreview(0);
    }

    protected editOption(change: Partial<CsvFormatOptions>): void {
        const base: CsvFormatOptions = this.options ?? {
            kind: 'trades', delimiter: ',', header: false, columns: { time: 0, price: 1, size: 2 },
            timestampFormat: 'iso8601', timeZone: 'UTC', priceScale: 0
        };
        this.csv = { ...base, ...change };
        this.presetChoice = CUSTOM;
        this.update();
        this.schedulePreview();
    }

    protected async browse(): Promise<void> {
        const uri = await this.fileDialogService.showOpenDialog({
            title: 'Choose market data', canSelectFiles: true, canSelectFolders: true, canSelectMany: false, openLabel: 'Choose'
        });
        if (uri) {
            this.setPath((Array.isArray(uri) ? uri[0] : uri).path.fsPath());
        }
    }

    protected chooseFormat(choice: string): void {
        this.formatChoice = choice;
        this.optionsVersion++;
        this.schedulePreview(0);
    }

    /** The import sources that read the file (by its extension), and the chosen one even when it does not. */
    protected matchingSources(): ImportSourceDescriptor[] {
        const name = this.path.trim();
        return this.sources.filter(s => importSourceMatches(s, name) || this.formatChoice === SOURCE_PREFIX + s.id || this.preview?.source?.id === s.id);
    }

    protected buildRequest(): ImportRequest {
        const path = this.path.trim();
        let format: Pick<ImportRequest, 'format' | 'presetId' | 'csv' | 'sourceId'> = {};
        if (this.preview?.format === 'source' && this.preview.source) {
            format = { sourceId: this.preview.source.id };
        } else if (this.formatChoice === 'fix' || this.formatChoice === 'binary') {
            format = { format: this.formatChoice };
        } else if (this.presetChoice === CUSTOM && this.csv) {
            format = { format: 'csv', csv: this.csv };
        } else if (this.presetChoice !== AUTO && this.presetChoice !== CUSTOM) {
            format = { format: 'csv', presetId: this.presetChoice };
        } else if (this.preview?.format === 'csv' && !this.detectedPresetId && this.preview.csv) {
            // No preset matched: import with the options the preview sniffed and showed.
            format = { format: 'csv', csv: this.preview.csv };
        } else if (this.formatChoice === 'csv') {
            format = { format: 'csv' };
        }
        const symbol = this.symbol.trim();
        const tickSize = Number(this.tickSize);
        const instrument = symbol ? { symbol, ...(this.tickSize.trim() && tickSize > 0 ? { tickSize } : {}) } : undefined;
        const crossed = this.crossedChoice !== AUTO ? { crossedQuotes: this.crossedChoice } : {};
        const overlap = this.overlapChoice !== 'skip' ? { overlap: this.overlapChoice } : {};
        return { paths: [path], ...format, ...(instrument ? { instrument } : {}), ...crossed, ...overlap };
    }

    protected async startImport(): Promise<void> {
        if (this.importing || !this.path.trim()) {
            return;
        }
        this.importing = true;
        this.result = undefined;
        this.importError = undefined;
        this.quarantine = undefined;
        this.progress = undefined;
        this.update();
        this.progressTimer = setInterval(async () => {
            try {
                const progress = await this.datasetService.getImportProgress();
                if (this.importing) {
                    this.progress = progress;
                    this.update();
                }
            } catch {
                // The next poll tries again; the import's own promise reports failures.
            }
        }, 250);
        try {
            this.result = await this.datasetService.importData(this.buildRequest());
        } catch (error) {
            const message = errorMessage(error);
            this.importError = /cancelled/i.test(message) ? 'The import was cancelled; the database is unchanged.' : `Import failed: ${message}`;
        } finally {
            clearInterval(this.progressTimer);
            this.progressTimer = undefined;
            this.importing = false;
            this.progress = undefined;
            this.update();
            await this.refreshDatasets();
        }
    }

    protected async cancelImport(): Promise<void> {
        try {
            await this.datasetService.cancelImport();
        } catch (error) {
            this.importError = `Could not cancel: ${errorMessage(error)}`;
            this.update();
        }
    }

    protected async refreshDatasets(): Promise<void> {
        const datasets = await this.widgetManager.getWidget<DatasetsWidget>(DatasetsWidget.ID);
        await datasets?.refresh();
    }

    protected async showQuarantine(): Promise<void> {
        try {
            this.quarantine = await this.datasetService.getQuarantine(this.result?.importId, 0, QUARANTINE_PAGE);
        } catch (error) {
            this.importError = `Could not read the quarantine: ${errorMessage(error)}`;
        }
        this.update();
    }

    protected render(): React.ReactNode {
        return <div className='backtestr-view backtestr-wizard' data-testid='import-wizard'>
            <h2>Import market data</h2>
            {this.renderSource()}
            {this.renderDetection()}
            {this.renderOptions()}
            {this.renderPreview()}
            {this.renderInstrument()}
            {this.renderImport()}
            {this.renderResult()}
            {this.renderQuarantine()}
        </div>;
    }

    protected renderSource(): React.ReactNode {
        return <div className='backtestr-view-section'>
            <div className='backtestr-view-heading'>File or folder</div>
            <div className='backtestr-wizard-row'>
                <input className='theia-input backtestr-wizard-path' data-testid='wizard-path' type='text' spellCheck={false}
                    placeholder='/path/to/ticks.zip, a .csv, a FIX log, a .btb file or a folder of daily files'
                    defaultValue={this.path} ref={e => { this.pathInput = e; }}
                    onChange={e => this.changePath(e.currentTarget.value)} />
                <button className='theia-button secondary' data-testid='wizard-browse' onClick={() => this.browse()}>Browse…</button>
            </div>
        </div>;
    }

    protected renderDetection(): React.ReactNode {
        if (this.previewError) {
            return <div className='backtestr-view-section'>
                {this.path.trim() && this.renderFormatChoice()}
                <div className='backtestr-error' data-testid='wizard-preview-error'>{this.previewError}</div>
            </div>;
        }
        const preview = this.preview;
        if (!preview) {
            return this.previewing ? <div className='backtestr-muted'>Reading the file…</div> : undefined;
        }
        const preset = this.presets.find(p => p.id === this.detectedPresetId);
        const source = preview.format === 'source' ? preview.source : undefined;
        return <div className='backtestr-view-section' data-testid='wizard-detected' data-format={preview.format} data-preset={this.detectedPresetId ?? ''}
            data-source={source?.id ?? ''}>
            {this.renderFormatChoice()}
            <span className='backtestr-muted'>{this.formatChoice === AUTO ? 'Detected: ' : 'Format: '}</span>
            {source
                ? <span className='backtestr-wizard-format' data-testid='wizard-source'>{source.label}
                    <span className='backtestr-muted'> · {source.origin.kind === 'plugin' ? 'plugin' : 'extension'} {source.origin.id}</span></span>
                : <span className='backtestr-wizard-format'>{preview.format.toUpperCase()}</span>}
            {preset && <span> · {preset.label}</span>}
            {!preset && preview.format === 'csv' && <span className='backtestr-muted'> · no preset matched; options sniffed from the rows</span>}
            {preview.message && <span className='backtestr-muted'> · {preview.message}</span>}
            <div className='backtestr-muted backtestr-wizard-file'>{preview.path}</div>
        </div>;
    }

    /** The format select: detection, the import sources that read this file, and the built-in formats. */
    protected renderFormatChoice(): React.ReactNode {
        return <div className='backtestr-wizard-grid'>
            <label>Format</label>
            <select className='theia-select' data-testid='wizard-format' value={this.formatChoice} onChange={e => this.chooseFormat(e.currentTarget.value)}>
                <option value={AUTO}>Auto-detect</option>
                {this.matchingSources().map(s => <option key={s.id} value={SOURCE_PREFIX + s.id}>
                    {s.label} ({s.origin.kind} {s.origin.id})
                </option>)}
                {BUILT_IN_FORMATS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
            <label>Crossed quotes</label>
            <select className='theia-select' data-testid='wizard-crossed' value={this.crossedChoice}
                title='Quotes with bid above ask: quarantined, or kept as the vendor sent them (flagged, counted in the quality report)'
                onChange={e => { this.crossedChoice = e.currentTarget.value as typeof AUTO | CrossedQuotePolicy; this.update(); }}>
                <option value={AUTO}>Preset default</option>
                <option value='quarantine'>Quarantine</option>
                <option value='keep'>Keep and flag</option>
            </select>
            <label>Days already stored</label>
            <select className='theia-select' data-testid='wizard-overlap' value={this.overlapChoice}
                title='Rows whose times the dataset already holds (another file of the same days): left out and counted, or recorded in the quarantine'
                onChange={e => { this.overlapChoice = e.currentTarget.value as OverlapPolicy; this.update(); }}>
                <option value='skip'>Skip them (counted)</option>
                <option value='quarantine'>Record them in the quarantine</option>
            </select>
        </div>;
    }

    protected renderOptions(): React.ReactNode {
        const format = this.preview?.format;
        if (format === 'fix' || format === 'binary' || format === 'source') {
            return undefined;
        }
        const o = this.options;
        return <div className='backtestr-view-section' key={this.optionsVersion}>
            <div className='backtestr-view-heading'>CSV options</div>
            <div className='backtestr-wizard-grid'>
                <label>Preset</label>
                <select className='theia-select' data-testid='wizard-preset' value={this.presetChoice} onChange={e => this.choosePreset(e.currentTarget.value)}>
                    <option value={AUTO}>Auto-detect{this.detectedPresetId ? ` (${this.detectedPresetId})` : ''}</option>
                    {this.presets.map(p => <option key={p.id} value={p.id}>{p.label}</option>)}
                    <option value={CUSTOM}>Custom</option>
                </select>
                <label>Kind</label>
                <select className='theia-select' data-testid='wizard-kind' defaultValue={o?.kind ?? 'trades'}
                    onChange={e => this.editOption({ kind: e.currentTarget.value as DatasetKind })}>
                    {KINDS.map(k => <option key={k} value={k}>{k}</option>)}
                </select>
                <label>Delimiter</label>
                <input className='theia-input backtestr-wizard-short' data-testid='wizard-delimiter' type='text' maxLength={2}
                    defaultValue={o?.delimiter ?? ','} onChange={e => e.currentTarget.value && this.editOption({ delimiter: e.currentTarget.value })} />
                <label>Header row</label>
                <input type='checkbox' data-testid='wizard-header' defaultChecked={o?.header ?? false}
                    onChange={e => this.editOption({ header: e.currentTarget.checked })} />
                <label>Timestamp format</label>
                <select className='theia-select' data-testid='wizard-timestamp' defaultValue={o?.timestampFormat ?? 'iso8601'}
                    onChange={e => this.editOption({ timestampFormat: e.currentTarget.value as TimestampFormat })}>
                    {TIMESTAMP_FORMATS.map(f => <option key={f} value={f}>{f}</option>)}
                </select>
                <label>Time zone</label>
                <input className='theia-input' data-testid='wizard-timezone' type='text' spellCheck={false} defaultValue={o?.timeZone ?? 'UTC'}
                    placeholder='America/New_York, UTC or UTC-05:00' onChange={e => e.currentTarget.value && this.editOption({ timeZone: e.currentTarget.value })} />
                <label>Price scale</label>
                <input className='theia-input backtestr-wizard-short' data-testid='wizard-price-scale' type='number' min={0} max={12}
                    defaultValue={o?.priceScale ?? 0} title='Implied decimals of integer prices: 4 when the file holds price x 10000'
                    onChange={e => e.currentTarget.value !== '' && this.editOption({ priceScale: Number(e.currentTarget.value) })} />
                <label>Columns</label>
                <div>
                    <input className='theia-input backtestr-wizard-columns' data-testid='wizard-columns' type='text' spellCheck={false}
                        defaultValue={o ? formatColumns(o.columns) : ''} placeholder='time=0, bid=1, ask=2'
                        onChange={e => this.editColumns(e.currentTarget.value)} />
                    {this.columnsError && <div className='backtestr-error'>{this.columnsError}</div>}
                </div>
            </div>
        </div>;
    }

    protected editColumns(text: string): void {
        const columns = parseColumns(text);
        this.columnsError = columns ? undefined : `Write name=index pairs with a time column, names among: ${COLUMN_KEYS.join(', ')}`;
        if (columns) {
            this.editOption({ columns });
        } else {
            this.update();
        }
    }

    protected renderPreview(): React.ReactNode {
        const preview = this.preview;
        if (!preview) {
            return undefined;
        }
        if (preview.rows.length === 0) {
            return preview.rawLines.length > 0 && <div className='backtestr-view-section' data-testid='wizard-raw-lines'>
                <div className='backtestr-view-heading'>First lines</div>
                <pre className='backtestr-wizard-raw'>{preview.rawLines.join('\n')}</pre>
            </div>;
        }
        const keys: string[] = [];
        for (const row of preview.rows) {
            for (const k of Object.keys(row.values ?? {})) {
                if (!keys.includes(k)) {
                    keys.push(k);
                }
            }
        }
        return <div className='backtestr-view-section'>
            <div className='backtestr-view-heading'>Preview {this.previewing && <span className='backtestr-muted'>(updating…)</span>}</div>
            <table className='backtestr-table backtestr-wizard-preview' data-testid='wizard-preview'>
                <thead><tr><th>Line</th>{keys.map(k => <th key={k}>{k}</th>)}</tr></thead>
                <tbody>
                    {preview.rows.map(row => <tr key={row.line} data-testid='wizard-preview-row' data-line={row.line} className={row.error ? 'backtestr-wizard-bad-row' : undefined}>
                        <td>{row.line}</td>
                        {row.error
                            ? <td className='backtestr-error' colSpan={Math.max(1, keys.length)}>{row.error}: {preview.rawLines[row.line - 1] ?? ''}</td>
                            : keys.map(k => <td key={k}>{row.values?.[k] ?? ''}</td>)}
                    </tr>)}
                </tbody>
            </table>
        </div>;
    }

    protected renderInstrument(): React.ReactNode {
        return <div className='backtestr-view-section'>
            <div className='backtestr-view-heading'>Instrument</div>
            <div className='backtestr-wizard-grid'>
                <label>Symbol</label>
                <input className='theia-input' data-testid='wizard-symbol' type='text' spellCheck={false} defaultValue={this.symbol}
                    placeholder='from the file name' onChange={e => { this.symbol = e.currentTarget.value; }} />
                <label>Tick size</label>
                <input className='theia-input backtestr-wizard-tick' data-testid='wizard-tick-size' type='number' min={0} step='any'
                    defaultValue={this.tickSize} placeholder='from the catalog' onChange={e => { this.tickSize = e.currentTarget.value; }} />
            </div>
        </div>;
    }

    protected renderImport(): React.ReactNode {
        const p = this.progress;
        return <div className='backtestr-view-section'>
            <div className='backtestr-wizard-row'>
                <button className='theia-button main' data-testid='wizard-import' disabled={this.importing || !this.path.trim()}
                    onClick={() => this.startImport()}>Import</button>
                {this.importing && <button className='theia-button secondary' data-testid='wizard-cancel' onClick={() => this.cancelImport()}>Cancel</button>}
            </div>
            {this.importing && <div className='backtestr-wizard-progress' data-testid='wizard-progress'>
                <progress max={100} value={p?.percent ?? 0} />
                <span>
                    {p ? `${p.percent.toFixed(0)}% · file ${Math.min(p.filesDone + 1, p.filesTotal)}/${p.filesTotal} · ${p.rows.toLocaleString()} rows`
                        + ` · ${Math.round(p.rowsPerSecond).toLocaleString()} rows/s`
                        + (p.quarantined > 0 ? ` · ${p.quarantined.toLocaleString()} quarantined` : '') : 'Starting…'}
                </span>
            </div>}
            {this.importError && <div className='backtestr-error' data-testid='wizard-import-error'>{this.importError}</div>}
        </div>;
    }

    protected renderResult(): React.ReactNode {
        const r = this.result;
        if (!r) {
            return undefined;
        }
        const notes = [
            ...(r.noMarketData ? ['The input holds instrument definitions but no market data.'] : []),
            ...(r.instrumentsDefined > 0 ? [`${r.instrumentsDefined.toLocaleString()} instruments defined or updated.`] : []),
            ...r.files.filter(f => f.note).map(f => `${f.path}: ${f.note}`),
            ...r.warnings
        ];
        return <div className='backtestr-view-section' data-testid='wizard-result' data-import-id={r.importId}>
            <div className='backtestr-view-heading'>Result</div>
            <div>
                Imported <b data-testid='wizard-result-rows'>{r.rows.toLocaleString()}</b> rows
                (<span data-testid='wizard-result-format'>{r.sourceId ? this.sourceLabel(r.sourceId) : r.format}{r.presetId ? `, ${r.presetId}` : ''}</span>)
                {' '}in {(r.elapsedMs / 1000).toFixed(2)} s · {Math.round(r.rowsPerSecond).toLocaleString()} rows/s ·{' '}
                <span data-testid='wizard-result-quarantined' data-count={r.quarantined}>{r.quarantined.toLocaleString()} quarantined</span>
                {r.quarantined > 0 && <React.Fragment>
                    {' · '}<a href='#' className='backtestr-link' data-testid='wizard-show-quarantine'
                        onClick={e => { e.preventDefault(); this.showQuarantine(); }}>View quarantined rows</a>
                </React.Fragment>}
            </div>
            {notes.length > 0 && <ul className='backtestr-wizard-notes' data-testid='wizard-result-notes'>
                {notes.map((n, i) => <li key={i}>{n}</li>)}
            </ul>}
            {r.files.length > 1 && <table className='backtestr-table'>
                <thead><tr><th>File</th><th>Rows</th><th>Quarantined</th></tr></thead>
                <tbody>{r.files.map(f => <tr key={f.path}><td>{f.path}</td><td>{f.rows.toLocaleString()}</td><td>{f.quarantined.toLocaleString()}</td></tr>)}</tbody>
            </table>}
        </div>;
    }

    protected sourceLabel(id: string): string {
        const source = this.sources.find(s => s.id === id);
        return source ? `${source.label}, ${source.origin.kind} ${source.origin.id}` : id;
    }

    protected renderQuarantine(): React.ReactNode {
        if (!this.quarantine) {
            return undefined;
        }
        return <div className='backtestr-view-section' data-testid='wizard-quarantine'>
            <div className='backtestr-view-heading'>Quarantined rows{this.quarantine.length >= QUARANTINE_PAGE ? ` (first ${QUARANTINE_PAGE})` : ''}</div>
            {this.quarantine.length === 0
                ? <div className='backtestr-empty'>No quarantined rows.</div>
                : <table className='backtestr-table'>
                    <thead><tr><th>File</th><th>Line</th><th>Raw text</th><th>Reason</th></tr></thead>
                    <tbody>
                        {this.quarantine.map((q, i) => <tr key={i} data-testid='wizard-quarantine-row'>
                            <td>{q.file}</td>
                            <td>{q.line >= 0 ? q.line : `byte ${q.byteOffset}`}</td>
                            <td><code className='backtestr-wizard-raw-cell'>{q.raw}</code></td>
                            <td className='backtestr-error'>{q.reason}</td>
                        </tr>)}
                    </tbody>
                </table>}
        </div>;
    }
}
