// *****************************************************************************
// TypeScript language features for strategy files: the backend runs TypeScript's
// LanguageService over the strategies open in the editor (with `@backtestr/plugins-sdk`
// resolved to the SDK's declarations), the frontend keeps it in sync with the editor's
// unsaved text by sending edits (not the whole file) and asks for completions, hovers,
// signature help and diagnostics. Positions are UTF-16 offsets into the document, as both
// Monaco and TypeScript count them; every request names the document version it is about.
// *****************************************************************************

import { ApplicationError } from '@theia/core/lib/common/application-error';

export const STRATEGY_LANGUAGE_SERVICE_PATH = '/services/backtestr/strategy-language';

/** One edit of a document, in the coordinates of the text before it (Monaco's content change). */
export interface StrategyTextEdit {
    readonly offset: number;
    readonly length: number;
    readonly text: string;
}

export interface StrategyTextSpan {
    readonly start: number;
    readonly length: number;
}

export interface StrategyCompletionEntry {
    readonly name: string;
    /** TypeScript's ScriptElementKind: 'method', 'property', 'function', 'keyword', ... */
    readonly kind: string;
    readonly kindModifiers: string;
    readonly sortText: string;
    readonly insertText?: string;
    /** The text the completion replaces, when it is not the word at the cursor. */
    readonly replacementSpan?: StrategyTextSpan;
    /** Where the entry comes from (auto-import module), passed back to `completionDetails`. */
    readonly source?: string;
}

export interface StrategyCompletionList {
    readonly version: number;
    readonly isMemberCompletion: boolean;
    readonly entries: StrategyCompletionEntry[];
}

export interface StrategyCompletionDetails {
    readonly name: string;
    /** The declaration, e.g. `(method) Orders.market(side: OrderSide, qty: number, ...): string`. */
    readonly detail: string;
    /** The doc comment and its tags, as Markdown. */
    readonly documentation: string;
}

export interface StrategyQuickInfo {
    readonly span: StrategyTextSpan;
    readonly detail: string;
    readonly documentation: string;
}

export interface StrategySignatureParameter {
    /** [start, end) of the parameter in the signature's label. */
    readonly label: [number, number];
    readonly documentation: string;
}

export interface StrategySignature {
    readonly label: string;
    readonly documentation: string;
    readonly parameters: StrategySignatureParameter[];
}

export interface StrategySignatureHelp {
    readonly signatures: StrategySignature[];
    readonly activeSignature: number;
    readonly activeParameter: number;
}

export type StrategyDiagnosticSeverity = 'error' | 'warning' | 'info' | 'hint';

export interface StrategyDiagnostic {
    readonly span: StrategyTextSpan;
    /** 0-based line and character of the start and end of the span. */
    readonly line: number;
    readonly character: number;
    readonly endLine: number;
    readonly endCharacter: number;
    readonly message: string;
    readonly severity: StrategyDiagnosticSeverity;
    /** TypeScript's error number, e.g. 2345. */
    readonly code: number;
    readonly unnecessary?: boolean;
    readonly deprecated?: boolean;
}

export interface StrategyDiagnostics {
    readonly uri: string;
    readonly version: number;
    readonly diagnostics: StrategyDiagnostic[];
}

export const StrategyLanguageService = Symbol('StrategyLanguageService');
export interface StrategyLanguageService {
    /** Starts tracking `uri` (a `file:` URI) with the editor's text at `version`. */
    open(uri: string, version: number, text: string): Promise<void>;
    /**
     * Applies the edits that took the document from `fromVersion` to `toVersion`, in order.
     * Fails with StrategyLanguageErrors.OutOfSync when the backend's copy is not at `fromVersion`
     * (the frontend then sends the whole text with `open`).
     */
    change(uri: string, fromVersion: number, toVersion: number, edits: StrategyTextEdit[]): Promise<void>;
    close(uri: string): Promise<void>;
    completions(uri: string, version: number, offset: number, triggerCharacter?: string): Promise<StrategyCompletionList>;
    completionDetails(uri: string, version: number, offset: number, name: string, source?: string): Promise<StrategyCompletionDetails | undefined>;
    quickInfo(uri: string, version: number, offset: number): Promise<StrategyQuickInfo | undefined>;
    signatureHelp(uri: string, version: number, offset: number, triggerCharacter?: string): Promise<StrategySignatureHelp | undefined>;
    /** Syntactic and semantic diagnostics of the document at `version`. */
    diagnostics(uri: string, version: number): Promise<StrategyDiagnostics>;
}

export namespace StrategyLanguageErrors {
    export const OutOfSync = ApplicationError.declare(3050, (uri: string, expected: number, actual: number | undefined) => ({
        message: actual === undefined
            ? `The strategy language service does not have ${uri} open.`
            : `The strategy language service has version ${actual} of ${uri}, not ${expected}.`,
        data: { uri, expected, actual }
    }));
    export const NotAFile = ApplicationError.declare(3051, (uri: string) => ({
        message: `Only files on disk get TypeScript language features, not ${uri}.`,
        data: { uri }
    }));
    export const BadEdit = ApplicationError.declare(3052, (uri: string, reason: string) => ({
        message: `Cannot apply an edit to ${uri}: ${reason}`,
        data: { uri, reason }
    }));
}
