// @ts-check
// ESLint rule `backtestr/runtime-folders`: keeps the runtime folders of every package apart.
//  - `src/common` imports neither `browser` nor `node` code (its own or a library's `lib/browser|node`);
//  - `src/browser` never imports `node` code, and `src/node` never imports `browser` code;
//  - extensions import each other only through `src/common/index.ts` (`@backtestr/<ext>` or
//    `@backtestr/<ext>/lib/common`), never through relative paths into another package.
'use strict';
const path = require('path');

const RUNTIMES = ['common', 'browser', 'node', 'electron-browser', 'electron-main', 'electron-node'];
/** Which runtimes each runtime may not import from. */
const FORBIDDEN = {
    common: ['browser', 'node', 'electron-browser', 'electron-main', 'electron-node'],
    browser: ['node', 'electron-main', 'electron-node'],
    node: ['browser', 'electron-browser'],
    'electron-browser': ['node', 'electron-main', 'electron-node'],
    'electron-main': ['browser', 'electron-browser'],
    'electron-node': ['browser', 'electron-browser']
};
/** Packages of this repository that are Theia extensions (imported only through their common index). */
const EXTENSION_SCOPE = '@backtestr/';
const NON_EXTENSION_PACKAGES = new Set(['@backtestr/plugins-sdk', '@backtestr/native']);

/** Where a file sits: its package folder (the one holding `src`) and its runtime folder. */
function locate(file) {
    const parts = path.resolve(file).split(path.sep);
    const src = parts.lastIndexOf('src');
    if (src < 0 || src + 1 >= parts.length) {
        return undefined;
    }
    const runtime = parts[src + 1];
    if (!RUNTIMES.includes(runtime)) {
        return undefined;
    }
    return { packageDir: parts.slice(0, src).join(path.sep), runtime };
}

/** The runtime folder a module specifier of a library points into (`@theia/core/lib/browser/...`). */
function runtimeOfPackagePath(specifier) {
    const segments = specifier.split('/');
    const lib = segments.findIndex(s => s === 'lib' || s === 'src');
    if (lib < 0 || lib + 1 >= segments.length) {
        return undefined;
    }
    return RUNTIMES.includes(segments[lib + 1]) ? segments[lib + 1] : undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
module.exports = {
    meta: {
        type: 'problem',
        docs: { description: 'Keep common/browser/node apart; extensions import each other only through src/common/index.ts' },
        schema: [],
        messages: {
            runtime: "'{{from}}' code must not import '{{to}}' code ('{{specifier}}'). Move the shared part to src/common.",
            crossPackage: "Import another package by its name, not by a relative path into it ('{{specifier}}').",
            extensionInternals: "Extensions import each other only through src/common/index.ts: use '{{allowed}}' instead of '{{specifier}}'."
        }
    },
    create(context) {
        const file = context.filename ?? context.getFilename();
        const here = locate(file);
        if (!here) {
            return {};
        }
        const forbidden = FORBIDDEN[here.runtime] ?? [];

        function check(node, specifier) {
            if (typeof specifier !== 'string') {
                return;
            }
            if (specifier.startsWith('.')) {
                const target = path.resolve(path.dirname(file), specifier);
                const there = locate(target + '.ts') ?? locate(path.join(target, 'index.ts'));
                if (!target.startsWith(here.packageDir + path.sep)) {
                    context.report({ node, messageId: 'crossPackage', data: { specifier } });
                    return;
                }
                if (there && forbidden.includes(there.runtime)) {
                    context.report({ node, messageId: 'runtime', data: { from: here.runtime, to: there.runtime, specifier } });
                }
                return;
            }
            const pkgName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
            const rest = specifier.slice(pkgName.length);
            if (pkgName.startsWith(EXTENSION_SCOPE) && !NON_EXTENSION_PACKAGES.has(pkgName)) {
                if (rest !== '' && rest !== '/lib/common' && rest !== '/lib/common/index') {
                    context.report({ node, messageId: 'extensionInternals', data: { specifier, allowed: pkgName } });
                }
                return;
            }
            const there = runtimeOfPackagePath(specifier);
            if (there && forbidden.includes(there)) {
                context.report({ node, messageId: 'runtime', data: { from: here.runtime, to: there, specifier } });
            }
        }

        return {
            ImportDeclaration: node => check(node.source, node.source.value),
            ExportNamedDeclaration: node => node.source && check(node.source, node.source.value),
            ExportAllDeclaration: node => check(node.source, node.source.value),
            ImportExpression: node => node.source.type === 'Literal' && check(node.source, node.source.value),
            CallExpression: node => {
                if (node.callee.type === 'Identifier' && node.callee.name === 'require'
                    && node.arguments.length === 1 && node.arguments[0].type === 'Literal') {
                    check(node.arguments[0], node.arguments[0].value);
                }
            }
        };
    }
};
