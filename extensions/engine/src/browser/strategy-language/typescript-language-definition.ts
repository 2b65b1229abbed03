// *****************************************************************************
// The TypeScript language for Monaco: Theia's monaco-editor-core ships no languages, and this
// app has no VS Code TypeScript extension, so `.ts` files would open as plain text. This
// registers the language id `typescript` for .ts/.mts/.cts (unless something registered it
// first), its brackets and comments, and a Monarch tokenizer whose token names are TextMate
// scopes, so the workbench's colour theme colours them.
// *****************************************************************************

import * as monaco from '@theia/monaco-editor-core';
import { Disposable, DisposableCollection } from '@theia/core/lib/common/disposable';

export const TYPESCRIPT_LANGUAGE_ID = 'typescript';

const KEYWORDS = [
    'abstract', 'as', 'async', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'declare', 'default',
    'delete', 'do', 'else', 'enum', 'export', 'extends', 'finally', 'for', 'from', 'function', 'get', 'if', 'implements', 'import',
    'in', 'infer', 'instanceof', 'interface', 'is', 'keyof', 'let', 'namespace', 'new', 'of', 'private', 'protected', 'public',
    'readonly', 'return', 'satisfies', 'set', 'static', 'switch', 'throw', 'try', 'type', 'typeof', 'var', 'void', 'while', 'with', 'yield'
];
const CONSTANTS = ['true', 'false', 'null', 'undefined', 'this', 'super', 'NaN', 'Infinity'];
const PRIMITIVES = ['any', 'bigint', 'boolean', 'never', 'number', 'object', 'string', 'symbol', 'unknown'];

const configuration: monaco.languages.LanguageConfiguration = {
    comments: { lineComment: '//', blockComment: ['/*', '*/'] },
    brackets: [['{', '}'], ['[', ']'], ['(', ')']],
    autoClosingPairs: [
        { open: '{', close: '}' }, { open: '[', close: ']' }, { open: '(', close: ')' },
        { open: '\'', close: '\'', notIn: ['string', 'comment'] }, { open: '"', close: '"', notIn: ['string'] },
        { open: '`', close: '`', notIn: ['string', 'comment'] }, { open: '/**', close: ' */', notIn: ['string'] }
    ],
    surroundingPairs: [
        { open: '{', close: '}' }, { open: '[', close: ']' }, { open: '(', close: ')' },
        { open: '\'', close: '\'' }, { open: '"', close: '"' }, { open: '`', close: '`' }, { open: '<', close: '>' }
    ],
    indentationRules: {
        increaseIndentPattern: /^.*(\{[^}]*|\([^)]*|\[[^\]]*)$/,
        decreaseIndentPattern: /^\s*[}\])].*$/
    },
    folding: { markers: { start: /^\s*\/\/\s*#?region\b/, end: /^\s*\/\/\s*#?endregion\b/ } }
};

/** Token names are TextMate scopes (e.g. `storage.type`), which the theme's rules match by prefix. */
const tokenizer: monaco.languages.IMonarchLanguage = {
    defaultToken: '',
    tokenPostfix: '.ts',
    keywords: KEYWORDS,
    constants: CONSTANTS,
    primitives: PRIMITIVES,
    tokenizer: {
        root: [
            [/\/\*\*(?!\/)/, 'comment.block.documentation', '@docComment'],
            [/\/\*/, 'comment.block', '@blockComment'],
            [/\/\/.*$/, 'comment.line'],
            [/[A-Za-z_$][\w$]*(?=\s*(<[^<>()]*>)?\s*\()/, {
                cases: { '@keywords': 'keyword', '@constants': 'constant.language', '@default': 'entity.name.function' }
            }],
            [/[A-Z][\w$]*/, 'entity.name.type'],
            [/[a-z_$][\w$]*/, {
                cases: { '@keywords': 'keyword', '@constants': 'constant.language', '@primitives': 'support.type.primitive', '@default': 'variable' }
            }],
            [/0[xX][\da-fA-F_]+n?|0[bB][01_]+n?|0[oO][0-7_]+n?/, 'constant.numeric'],
            [/(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][+-]?\d+)?n?/, 'constant.numeric'],
            [/'/, 'string.quoted.single', '@singleQuoted'],
            [/"/, 'string.quoted.double', '@doubleQuoted'],
            [/`/, 'string.template', '@template'],
            [/[{}()[\]]/, '@brackets'],
            [/=>|[=!]==?|[<>]=?|&&|\|\||\?\?|\?\.|[-+*/%&|^~!?:]=?/, 'keyword.operator'],
            [/[;,.]/, 'punctuation'],
            [/\s+/, '']
        ],
        docComment: [
            [/\*\//, 'comment.block.documentation', '@pop'],
            [/@\w+/, 'storage.type.class.jsdoc'],
            [/[^*@]+|./, 'comment.block.documentation']
        ],
        blockComment: [
            [/\*\//, 'comment.block', '@pop'],
            [/[^*]+|./, 'comment.block']
        ],
        singleQuoted: [
            [/\\./, 'constant.character.escape'],
            [/'/, 'string.quoted.single', '@pop'],
            [/[^\\']+$/, 'string.quoted.single', '@pop'],
            [/[^\\']+/, 'string.quoted.single']
        ],
        doubleQuoted: [
            [/\\./, 'constant.character.escape'],
            [/"/, 'string.quoted.double', '@pop'],
            [/[^\\"]+$/, 'string.quoted.double', '@pop'],
            [/[^\\"]+/, 'string.quoted.double']
        ],
        template: [
            [/\$\{/, 'punctuation.definition.template-expression', '@templateExpression'],
            [/\\./, 'constant.character.escape'],
            [/`/, 'string.template', '@pop'],
            [/[^\\`$]+|\$/, 'string.template']
        ],
        templateExpression: [
            [/\}/, 'punctuation.definition.template-expression', '@pop'],
            { include: 'root' }
        ]
    }
};

/** Registers the language unless it is registered already (then only its tokenizer and configuration if it has none). */
export function registerTypeScriptLanguage(): Disposable {
    const toDispose = new DisposableCollection();
    if (!monaco.languages.getLanguages().some(language => language.id === TYPESCRIPT_LANGUAGE_ID)) {
        monaco.languages.register({
            id: TYPESCRIPT_LANGUAGE_ID,
            extensions: ['.ts', '.mts', '.cts'],
            aliases: ['TypeScript', 'ts', 'typescript'],
            mimetypes: ['text/typescript']
        });
        toDispose.push(monaco.languages.setLanguageConfiguration(TYPESCRIPT_LANGUAGE_ID, configuration));
        toDispose.push(monaco.languages.setMonarchTokensProvider(TYPESCRIPT_LANGUAGE_ID, tokenizer));
    }
    return toDispose;
}
