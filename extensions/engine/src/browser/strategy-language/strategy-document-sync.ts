// *****************************************************************************
// Keeps the backend's copy of every TypeScript file open in a Monaco editor in step with the
// editor's unsaved text: the whole text once (open), then Monaco's edits, batched until a
// request needs them or the diagnostics timer fires (not a message per keystroke with the
// whole file). Each document goes through one promise chain, so its messages reach the backend
// in order; a backend that lost track (a reconnect, a refused edit) gets the whole text again.
// Diagnostics become markers (ProblemManager): squiggles in the editor and rows in Problems.
// *****************************************************************************

import * as monaco from '@theia/monaco-editor-core';
import { ILogger } from '@theia/core/lib/common/logger';
import { Disposable, DisposableCollection } from '@theia/core/lib/common/disposable';
import URI from '@theia/core/lib/common/uri';
import { Diagnostic, DiagnosticSeverity, DiagnosticTag } from '@theia/core/shared/vscode-languageserver-protocol';
import { inject, injectable, named } from '@theia/core/shared/inversify';
import { ProblemManager } from '@theia/markers/lib/browser/problem/problem-manager';
import { StrategyDiagnostic, StrategyDiagnostics, StrategyLanguageService, StrategyTextEdit } from '../../common/strategy-language-protocol';
import { TYPESCRIPT_LANGUAGE_ID } from './typescript-language-definition';

/** The owner of the markers in the Problems view; its rows read "ts(2345)". */
export const STRATEGY_DIAGNOSTICS_OWNER = 'typescript';
const DIAGNOSTICS_DELAY_MS = 300;

interface SyncedDocument {
    readonly model: monaco.editor.ITextModel;
    readonly uri: string;
    /** The version the backend has; undefined until opened (or after it lost track). */
    synced: number | undefined;
    /** Edits after `synced`, in order, and the version they lead to. */
    pending: StrategyTextEdit[];
    pendingVersion: number;
    queue: Promise<void>;
    diagnosticsTimer: ReturnType<typeof setTimeout> | undefined;
    readonly toDispose: DisposableCollection;
}

@injectable()
export class StrategyDocumentSync implements Disposable {

    @inject(StrategyLanguageService)
    protected readonly service: StrategyLanguageService;

    @inject(ProblemManager)
    protected readonly problems: ProblemManager;

    @inject(ILogger) @named('engine:StrategyDocumentSync')
    protected readonly logger: ILogger;

    protected readonly documents = new Map<string, SyncedDocument>();
    protected readonly toDispose = new DisposableCollection();

    start(): void {
        for (const model of monaco.editor.getModels()) {
            this.track(model);
        }
        this.toDispose.push(monaco.editor.onDidCreateModel(model => this.track(model)));
        this.toDispose.push(monaco.editor.onWillDisposeModel(model => this.untrack(model)));
        this.toDispose.push(monaco.editor.onDidChangeModelLanguage(({ model }) => {
            this.untrack(model);
            this.track(model);
        }));
    }

    dispose(): void {
        for (const document of [...this.documents.values()]) {
            this.untrack(document.model);
        }
        this.toDispose.dispose();
    }

    /** True for the models this service gives language features: TypeScript files on disk. */
    handles(model: monaco.editor.ITextModel): boolean {
        return model.getLanguageId() === TYPESCRIPT_LANGUAGE_ID && model.uri.scheme === 'file';
    }

    /**
     * Brings the backend's copy of `model` up to date and runs `request` on the model's current version;
     * undefined when the model is not handled, changed meanwhile, or the backend could not answer.
     */
    async request<T>(model: monaco.editor.ITextModel, request: (uri: string, version: number) => Promise<T>): Promise<T | undefined> {
        const document = this.documents.get(model.uri.toString());
        if (!document) {
            return undefined;
        }
        const version = model.getVersionId();
        await this.flush(document);
        if (document.synced !== version) {
            // The text changed while the edits were on their way (or the backend lost it): this answer is moot.
            return undefined;
        }
        try {
            return await request(document.uri, version);
        } catch (error) {
            // Most likely the backend lost the document (a reconnect): send the whole text next time.
            this.logger.warn(`Strategy language request on ${document.uri} failed: ${error instanceof Error ? error.message : String(error)}`);
            document.synced = undefined;
            return undefined;
        }
    }

    protected track(model: monaco.editor.ITextModel): void {
        if (!this.handles(model) || this.documents.has(model.uri.toString())) {
            return;
        }
        const document: SyncedDocument = {
            model, uri: model.uri.toString(), synced: undefined, pending: [], pendingVersion: model.getVersionId(),
            queue: Promise.resolve(), diagnosticsTimer: undefined, toDispose: new DisposableCollection()
        };
        this.documents.set(document.uri, document);
        document.toDispose.push(model.onDidChangeContent(event => {
            for (const change of event.changes) {
                document.pending.push({ offset: change.rangeOffset, length: change.rangeLength, text: change.text });
            }
            document.pendingVersion = event.versionId;
            this.scheduleDiagnostics(document);
        }));
        this.scheduleDiagnostics(document, 0);
    }

    protected untrack(model: monaco.editor.ITextModel): void {
        const uri = model.uri.toString();
        const document = this.documents.get(uri);
        if (!document) {
            return;
        }
        this.documents.delete(uri);
        clearTimeout(document.diagnosticsTimer);
        document.toDispose.dispose();
        document.queue = document.queue.then(() => this.service.close(uri)).catch(() => undefined);
        this.problems.setMarkers(new URI(uri), STRATEGY_DIAGNOSTICS_OWNER, []);
    }

    /** Sends what the backend does not have yet; the document's queue keeps the messages in order. */
    protected flush(document: SyncedDocument): Promise<void> {
        document.queue = document.queue.then(() => this.sendPending(document)).catch(error => {
            document.synced = undefined;
            this.logger.warn(`Cannot sync ${document.uri} with the strategy language service: ${error instanceof Error ? error.message : String(error)}`);
        });
        return document.queue;
    }

    protected async sendPending(document: SyncedDocument): Promise<void> {
        const { model } = document;
        if (model.isDisposed()) {
            return;
        }
        if (document.synced === undefined) {
            await this.sendWholeText(document);
            return;
        }
        if (document.pending.length === 0) {
            return;
        }
        const edits = document.pending;
        const from = document.synced;
        const to = document.pendingVersion;
        document.pending = [];
        try {
            await this.service.change(document.uri, from, to, edits);
            document.synced = to;
        } catch {
            // The backend is not at `from` (it restarted, reconnected, or refused an edit): start over with the text.
            await this.sendWholeText(document);
        }
    }

    protected async sendWholeText(document: SyncedDocument): Promise<void> {
        const version = document.model.getVersionId();
        const text = document.model.getValue();
        document.pending = [];
        document.pendingVersion = version;
        document.synced = undefined;
        await this.service.open(document.uri, version, text);
        document.synced = version;
    }

    protected scheduleDiagnostics(document: SyncedDocument, delay = DIAGNOSTICS_DELAY_MS): void {
        clearTimeout(document.diagnosticsTimer);
        document.diagnosticsTimer = setTimeout(() => this.updateDiagnostics(document), delay);
    }

    protected async updateDiagnostics(document: SyncedDocument): Promise<void> {
        const result = await this.request(document.model, (uri, version) => this.service.diagnostics(uri, version));
        // Markers for an older text would sit on the wrong characters; a newer request is on its way.
        if (!result || this.documents.get(document.uri) !== document || result.version !== document.model.getVersionId()) {
            return;
        }
        this.problems.setMarkers(new URI(document.uri), STRATEGY_DIAGNOSTICS_OWNER, this.toMarkers(document.model, result));
    }

    protected toMarkers(model: monaco.editor.ITextModel, result: StrategyDiagnostics): Diagnostic[] {
        return result.diagnostics.map(diagnostic => {
            const start = model.getPositionAt(diagnostic.span.start);
            const end = model.getPositionAt(diagnostic.span.start + diagnostic.span.length);
            const tags: DiagnosticTag[] = [];
            if (diagnostic.unnecessary) {
                tags.push(DiagnosticTag.Unnecessary);
            }
            if (diagnostic.deprecated) {
                tags.push(DiagnosticTag.Deprecated);
            }
            return {
                range: { start: { line: start.lineNumber - 1, character: start.column - 1 }, end: { line: end.lineNumber - 1, character: end.column - 1 } },
                message: diagnostic.message,
                severity: this.severity(diagnostic),
                code: diagnostic.code,
                source: 'ts',
                ...(tags.length ? { tags } : {})
            };
        });
    }

    protected severity(diagnostic: StrategyDiagnostic): DiagnosticSeverity {
        switch (diagnostic.severity) {
            case 'error': return DiagnosticSeverity.Error;
            case 'warning': return DiagnosticSeverity.Warning;
            case 'info': return DiagnosticSeverity.Information;
            default: return DiagnosticSeverity.Hint;
        }
    }
}
