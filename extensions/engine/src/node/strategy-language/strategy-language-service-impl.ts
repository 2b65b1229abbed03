// *****************************************************************************
// The strategy language service of one frontend connection: the editor's strategy documents
// (by `file:` URI and Monaco version) and TypeScript's completions, quick info, signature
// help and diagnostics on them.
// *****************************************************************************

import { ILogger } from '@theia/core/lib/common/logger';
import { FileUri } from '@theia/core/lib/common/file-uri';
import { inject, injectable, named } from '@theia/core/shared/inversify';
import {
    StrategyCompletionDetails, StrategyCompletionList, StrategyDiagnostics, StrategyLanguageErrors, StrategyLanguageService,
    StrategyQuickInfo, StrategySignatureHelp, StrategyTextEdit
} from '../../common/strategy-language-protocol';
import * as convert from './strategy-language-conversions';
import { StrategyLanguageRuntime } from './strategy-language-runtime';
import { StrategyProject } from './strategy-project';

type SignatureTrigger = import('typescript').SignatureHelpTriggerReason;
type CompletionTrigger = import('typescript').CompletionsTriggerCharacter;

const COMPLETION_TRIGGERS: readonly string[] = ['.', '"', '\'', '`', '/', '@', '<', '#', ' '];

@injectable()
export class StrategyLanguageServiceImpl implements StrategyLanguageService {

    @inject(ILogger) @named('engine:StrategyLanguageServiceImpl')
    protected readonly logger: ILogger;

    @inject(StrategyLanguageRuntime)
    protected readonly runtime: StrategyLanguageRuntime;

    protected projectInstance: StrategyProject | undefined;

    /** Created on the first request: loading TypeScript takes a few hundred milliseconds. */
    protected get project(): StrategyProject {
        if (!this.projectInstance) {
            try {
                this.projectInstance = this.runtime.createProject();
            } catch (error) {
                this.logger.error(`TypeScript language features for strategies are unavailable: ${error instanceof Error ? error.message : String(error)}`);
                throw error;
            }
        }
        return this.projectInstance;
    }

    async open(uri: string, version: number, text: string): Promise<void> {
        this.project.open(this.fileName(uri), version, text);
    }

    async change(uri: string, fromVersion: number, toVersion: number, edits: StrategyTextEdit[]): Promise<void> {
        const fileName = this.fileName(uri);
        const current = this.project.document(fileName);
        if (current?.version !== fromVersion) {
            throw StrategyLanguageErrors.OutOfSync(uri, fromVersion, current?.version);
        }
        const failure = this.project.change(fileName, toVersion, edits);
        if (failure) {
            this.project.close(fileName);
            throw StrategyLanguageErrors.BadEdit(uri, failure);
        }
    }

    async close(uri: string): Promise<void> {
        this.projectInstance?.close(this.fileName(uri));
    }

    async completions(uri: string, version: number, offset: number, triggerCharacter?: string): Promise<StrategyCompletionList> {
        const fileName = this.synced(uri, version);
        const result = this.project.service.getCompletionsAtPosition(fileName, offset, {
            triggerCharacter: COMPLETION_TRIGGERS.includes(triggerCharacter ?? '') ? triggerCharacter as CompletionTrigger : undefined,
            includeCompletionsWithInsertText: true,
            includeCompletionsForModuleExports: false,
            includeAutomaticOptionalChainCompletions: true,
            allowIncompleteCompletions: false
        });
        return {
            version,
            isMemberCompletion: result?.isMemberCompletion ?? false,
            entries: (result?.entries ?? []).map(convert.completionEntry)
        };
    }

    async completionDetails(uri: string, version: number, offset: number, name: string, source?: string): Promise<StrategyCompletionDetails | undefined> {
        const fileName = this.synced(uri, version);
        const details = this.project.service.getCompletionEntryDetails(fileName, offset, name, {}, source, {}, undefined);
        return details ? convert.completionDetails(details) : undefined;
    }

    async quickInfo(uri: string, version: number, offset: number): Promise<StrategyQuickInfo | undefined> {
        const fileName = this.synced(uri, version);
        const info = this.project.service.getQuickInfoAtPosition(fileName, offset);
        return info ? convert.quickInfo(info) : undefined;
    }

    async signatureHelp(uri: string, version: number, offset: number, triggerCharacter?: string): Promise<StrategySignatureHelp | undefined> {
        const fileName = this.synced(uri, version);
        const triggerReason: SignatureTrigger = triggerCharacter === '(' || triggerCharacter === ',' || triggerCharacter === '<'
            ? { kind: 'characterTyped', triggerCharacter }
            : { kind: 'invoked' };
        const items = this.project.service.getSignatureHelpItems(fileName, offset, { triggerReason });
        return items ? convert.signatureHelp(items) : undefined;
    }

    async diagnostics(uri: string, version: number): Promise<StrategyDiagnostics> {
        const fileName = this.synced(uri, version);
        const service = this.project.service;
        const syntactic = service.getSyntacticDiagnostics(fileName);
        const semantic = service.getSemanticDiagnostics(fileName);
        const file = service.getProgram()?.getSourceFile(fileName);
        if (!file) {
            return { uri, version, diagnostics: [] };
        }
        const ts = this.runtime.typescript;
        return { uri, version, diagnostics: [...syntactic, ...semantic].map(d => convert.diagnostic(ts, file, d)) };
    }

    dispose(): void {
        this.projectInstance?.dispose();
        this.projectInstance = undefined;
    }

    protected fileName(uri: string): string {
        if (!uri.startsWith('file:')) {
            throw StrategyLanguageErrors.NotAFile(uri);
        }
        return FileUri.fsPath(uri);
    }

    /** The document's file name, after checking that the backend has the version the frontend is asking about. */
    protected synced(uri: string, version: number): string {
        const fileName = this.fileName(uri);
        const current = this.project.document(fileName);
        if (current?.version !== version) {
            throw StrategyLanguageErrors.OutOfSync(uri, version, current?.version);
        }
        return fileName;
    }
}
