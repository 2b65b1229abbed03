// *****************************************************************************
// Monaco's completion, hover and signature help providers for TypeScript files, answered by
// the backend's strategy language service through StrategyDocumentSync.
// *****************************************************************************

import * as monaco from '@theia/monaco-editor-core';
import { Disposable, DisposableCollection } from '@theia/core/lib/common/disposable';
import { inject, injectable } from '@theia/core/shared/inversify';
import { StrategyCompletionEntry, StrategyLanguageService, StrategyTextSpan } from '../../common/strategy-language-protocol';
import { StrategyDocumentSync } from './strategy-document-sync';
import { TYPESCRIPT_LANGUAGE_ID } from './typescript-language-definition';

/** What resolveCompletionItem needs to ask for an entry's details. */
interface StrategyCompletionItem extends monaco.languages.CompletionItem {
    readonly strategy: { readonly uri: string; readonly version: number; readonly offset: number; readonly name: string; readonly source?: string };
}

const Kind = monaco.languages.CompletionItemKind;
const COMPLETION_KINDS: Readonly<Record<string, monaco.languages.CompletionItemKind>> = {
    'keyword': Kind.Keyword, 'primitive type': Kind.Keyword, 'script': Kind.File, 'module': Kind.Module, 'external module name': Kind.Module,
    'class': Kind.Class, 'local class': Kind.Class, 'interface': Kind.Interface, 'type': Kind.Interface, 'enum': Kind.Enum,
    'enum member': Kind.EnumMember, 'var': Kind.Variable, 'local var': Kind.Variable, 'let': Kind.Variable, 'const': Kind.Constant,
    'parameter': Kind.Variable, 'alias': Kind.Reference, 'function': Kind.Function, 'local function': Kind.Function, 'method': Kind.Method,
    'getter': Kind.Property, 'setter': Kind.Property, 'accessor': Kind.Property, 'property': Kind.Property, 'constructor': Kind.Constructor,
    'call': Kind.Method, 'index': Kind.Property, 'construct': Kind.Constructor, 'type parameter': Kind.TypeParameter,
    'string': Kind.Value, 'directory': Kind.Folder, 'label': Kind.Text
};

@injectable()
export class StrategyLanguageProviders implements Disposable {

    @inject(StrategyLanguageService)
    protected readonly service: StrategyLanguageService;

    @inject(StrategyDocumentSync)
    protected readonly documents: StrategyDocumentSync;

    protected readonly toDispose = new DisposableCollection();

    register(): void {
        this.toDispose.push(monaco.languages.registerCompletionItemProvider(TYPESCRIPT_LANGUAGE_ID, {
            triggerCharacters: ['.', '"', '\'', '`', '/', '@', '<'],
            provideCompletionItems: (model, position, context) => this.provideCompletionItems(model, position, context),
            resolveCompletionItem: item => this.resolveCompletionItem(item as StrategyCompletionItem)
        }));
        this.toDispose.push(monaco.languages.registerHoverProvider(TYPESCRIPT_LANGUAGE_ID, {
            provideHover: (model, position) => this.provideHover(model, position)
        }));
        this.toDispose.push(monaco.languages.registerSignatureHelpProvider(TYPESCRIPT_LANGUAGE_ID, {
            signatureHelpTriggerCharacters: ['(', ',', '<'],
            signatureHelpRetriggerCharacters: [')'],
            provideSignatureHelp: (model, position, _token, context) => this.provideSignatureHelp(model, position, context)
        }));
    }

    dispose(): void {
        this.toDispose.dispose();
    }

    protected async provideCompletionItems(model: monaco.editor.ITextModel, position: monaco.Position,
        context: monaco.languages.CompletionContext): Promise<monaco.languages.CompletionList | undefined> {
        const offset = model.getOffsetAt(position);
        const list = await this.documents.request(model, (uri, version) => this.service.completions(uri, version, offset, context.triggerCharacter));
        if (!list) {
            return undefined;
        }
        const word = model.getWordUntilPosition(position);
        const wordRange = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, position.column);
        const uri = model.uri.toString();
        const suggestions = list.entries.map((entry): StrategyCompletionItem => ({
            label: entry.name,
            kind: COMPLETION_KINDS[entry.kind] ?? Kind.Property,
            tags: entry.kindModifiers.split(',').includes('deprecated') ? [monaco.languages.CompletionItemTag.Deprecated] : undefined,
            sortText: entry.sortText,
            insertText: entry.insertText ?? entry.name,
            range: entry.replacementSpan ? this.range(model, entry.replacementSpan) : wordRange,
            filterText: this.filterText(entry),
            strategy: { uri, version: list.version, offset, name: entry.name, ...(entry.source !== undefined ? { source: entry.source } : {}) }
        }));
        return { suggestions };
    }

    protected async resolveCompletionItem(item: StrategyCompletionItem): Promise<monaco.languages.CompletionItem> {
        const { uri, version, offset, name, source } = item.strategy;
        try {
            const details = await this.service.completionDetails(uri, version, offset, name, source);
            if (details) {
                return { ...item, detail: details.detail, documentation: details.documentation ? { value: details.documentation } : undefined };
            }
        } catch {
            // The document moved on since the list was made: the item stays without details.
        }
        return item;
    }

    protected async provideHover(model: monaco.editor.ITextModel, position: monaco.Position): Promise<monaco.languages.Hover | undefined> {
        const offset = model.getOffsetAt(position);
        const info = await this.documents.request(model, (uri, version) => this.service.quickInfo(uri, version, offset));
        if (!info || !info.detail) {
            return undefined;
        }
        const contents: monaco.IMarkdownString[] = [{ value: '```typescript\n' + info.detail + '\n```' }];
        if (info.documentation) {
            contents.push({ value: info.documentation });
        }
        return { range: this.range(model, info.span), contents };
    }

    protected async provideSignatureHelp(model: monaco.editor.ITextModel, position: monaco.Position,
        context: monaco.languages.SignatureHelpContext): Promise<monaco.languages.SignatureHelpResult | undefined> {
        const offset = model.getOffsetAt(position);
        const help = await this.documents.request(model, (uri, version) => this.service.signatureHelp(uri, version, offset, context.triggerCharacter));
        if (!help || help.signatures.length === 0) {
            return undefined;
        }
        return {
            value: {
                signatures: help.signatures.map(signature => ({
                    label: signature.label,
                    documentation: signature.documentation ? { value: signature.documentation } : undefined,
                    parameters: signature.parameters.map(parameter => ({
                        label: parameter.label,
                        documentation: parameter.documentation ? { value: parameter.documentation } : undefined
                    }))
                })),
                activeSignature: help.activeSignature,
                activeParameter: help.activeParameter
            },
            dispose: () => undefined
        };
    }

    protected range(model: monaco.editor.ITextModel, span: StrategyTextSpan): monaco.Range {
        const start = model.getPositionAt(span.start);
        const end = model.getPositionAt(span.start + span.length);
        return new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
    }

    /** Entries that replace a span (e.g. `?.name` after `.`) filter on the text they replace. */
    protected filterText(entry: StrategyCompletionEntry): string | undefined {
        return entry.insertText && entry.replacementSpan ? entry.insertText : undefined;
    }
}
