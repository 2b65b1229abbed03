// *****************************************************************************
// TypeScript's answers as the protocol's plain data: display parts as text, doc comments
// and JSDoc tags as Markdown, diagnostics with line and character.
// *****************************************************************************

import type * as ts from 'typescript';
import {
    StrategyCompletionDetails, StrategyCompletionEntry, StrategyDiagnostic, StrategyDiagnosticSeverity, StrategyQuickInfo, StrategySignatureHelp
} from '../../common/strategy-language-protocol';

export function displayText(parts: readonly ts.SymbolDisplayPart[] | undefined): string {
    return (parts ?? []).map(part => part.text).join('');
}

function tagMarkdown(tag: ts.JSDocTagInfo): string {
    const text = displayText(tag.text);
    if (tag.name === 'param' && tag.text?.length) {
        // TypeScript gives the parameter's name as the first part: "*@param* `name` — text".
        const paramName = displayText(tag.text.filter(part => part.kind === 'parameterName'));
        const body = displayText(tag.text.filter(part => part.kind !== 'parameterName')).trim();
        return `*@param* \`${paramName}\`${body ? ` — ${body}` : ''}`;
    }
    if (tag.name === 'example') {
        return `*@example*\n\`\`\`typescript\n${text}\n\`\`\``;
    }
    return `*@${tag.name}*${text ? ` — ${text}` : ''}`;
}

/** A doc comment and its tags as Markdown. */
export function documentationMarkdown(documentation: readonly ts.SymbolDisplayPart[] | undefined, tags: readonly ts.JSDocTagInfo[] | undefined): string {
    const blocks: string[] = [];
    const doc = displayText(documentation).trim();
    if (doc) {
        blocks.push(doc);
    }
    const tagLines = (tags ?? []).map(tagMarkdown);
    if (tagLines.length) {
        blocks.push(tagLines.join('\n\n'));
    }
    return blocks.join('\n\n');
}

export function completionEntry(entry: ts.CompletionEntry): StrategyCompletionEntry {
    return {
        name: entry.name,
        kind: entry.kind,
        kindModifiers: entry.kindModifiers ?? '',
        sortText: entry.sortText,
        ...(entry.insertText !== undefined ? { insertText: entry.insertText } : {}),
        ...(entry.replacementSpan ? { replacementSpan: { start: entry.replacementSpan.start, length: entry.replacementSpan.length } } : {}),
        ...(entry.source !== undefined ? { source: entry.source } : {})
    };
}

export function completionDetails(details: ts.CompletionEntryDetails): StrategyCompletionDetails {
    return { name: details.name, detail: displayText(details.displayParts), documentation: documentationMarkdown(details.documentation, details.tags) };
}

export function quickInfo(info: ts.QuickInfo): StrategyQuickInfo {
    return {
        span: { start: info.textSpan.start, length: info.textSpan.length },
        detail: displayText(info.displayParts),
        documentation: documentationMarkdown(info.documentation, info.tags)
    };
}

export function signatureHelp(items: ts.SignatureHelpItems): StrategySignatureHelp {
    const signatures = items.items.map(item => {
        let label = displayText(item.prefixDisplayParts);
        const separator = displayText(item.separatorDisplayParts);
        const parameters = item.parameters.map((parameter, index) => {
            if (index > 0) {
                label += separator;
            }
            const start = label.length;
            label += displayText(parameter.displayParts);
            return { label: [start, label.length] as [number, number], documentation: displayText(parameter.documentation) };
        });
        label += displayText(item.suffixDisplayParts);
        return { label, documentation: documentationMarkdown(item.documentation, item.tags.filter(tag => tag.name !== 'param')), parameters };
    });
    return { signatures, activeSignature: items.selectedItemIndex, activeParameter: items.argumentIndex };
}

function severity(ts: typeof import('typescript'), category: ts.DiagnosticCategory): StrategyDiagnosticSeverity {
    switch (category) {
        case ts.DiagnosticCategory.Error: return 'error';
        case ts.DiagnosticCategory.Warning: return 'warning';
        case ts.DiagnosticCategory.Suggestion: return 'hint';
        default: return 'info';
    }
}

export function diagnostic(ts: typeof import('typescript'), file: ts.SourceFile, d: ts.Diagnostic): StrategyDiagnostic {
    const start = d.start ?? 0;
    const length = d.length ?? 0;
    const from = file.getLineAndCharacterOfPosition(start);
    const to = file.getLineAndCharacterOfPosition(start + length);
    return {
        span: { start, length },
        line: from.line,
        character: from.character,
        endLine: to.line,
        endCharacter: to.character,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        severity: severity(ts, d.category),
        code: d.code,
        ...(d.reportsUnnecessary ? { unnecessary: true } : {}),
        ...(d.reportsDeprecated ? { deprecated: true } : {})
    };
}
