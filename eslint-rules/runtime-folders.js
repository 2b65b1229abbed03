// @ts-check
// ESLint rule `backtestr/runtime-folders`: keeps the runtime folders of every package apart.
//  - `src/common` imports neither `browser` nor `node` code (its own or a library's `lib/browser|node`);
//  - `src/browser` never imports `node` code, and `src/node` never imports `browser` code;
//  - extensions are used from outside only through their public entries: `src/common/index.ts`
//    (`@backtestr/<ext>` or `@backtestr/<ext>/lib/common`) and, from node code, the CLI, benches and
//    scripts, `src/node/index.ts` (`@backtestr/<ext>/lib/node`) — never a deeper `lib/...` path of
//    another package (in imports, `require` and `require.resolve` alike), nor relative paths into it;
//  - a plain package whose main entry is node code (`@backtestr/engine-core`: it loads the native
//    addon) is used from `browser` and `common` code only through `<pkg>/lib/common`.
'use strict';
const fs = require('fs');
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

/** Packages whose main entry (`<pkg>`) is node code, not a common index: browser and common code use `<pkg>/lib/common`. */
const NODE_MAIN_PACKAGES = new Set(['@backtestr/engine-core']);

/** Runtimes whose code may use an extension's node entry (files outside any runtime folder may too). */
const NODE_ENTRY_RUNTIMES = new Set(['node', 'electron-node', 'electron-main']);

/** The name in the package.json of the nearest folder above `file` that has one. */
function ownPackageName(file) {
    let dir = path.dirname(path.resolve(file));
    for (;;) {
        const manifest = path.join(dir, 'package.json');
        if (fs.existsSync(manifest)) {
            try {
                return JSON.parse(fs.readFileSync(manifest, 'utf8')).name;
            } catch {
                return undefined;
            }
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            return undefined;
        }
        dir = parent;
    }
}

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
            extensionInternals: "Another package's extension is used only through its public entries: use '{{allowed}}' instead of '{{specifier}}' (export what you need from its src/common/index.ts or src/node/index.ts)."
        }
    },
    create(context) {
        const file = context.filename ?? context.getFilename();
        const here = locate(file);
        const forbidden = here ? FORBIDDEN[here.runtime] ?? [] : [];
        const mayUseNodeEntry = !here || NODE_ENTRY_RUNTIMES.has(here.runtime);
        const allowedRests = mayUseNodeEntry
            ? ['', '/package.json', '/lib/common', '/lib/common/index', '/lib/node', '/lib/node/index']
            : ['', '/package.json', '/lib/common', '/lib/common/index'];
        /** @type {string | undefined | null} */
        let ownName = null;
        const own = () => (ownName === null ? (ownName = ownPackageName(file)) : ownName);

        /** A deep path of another extension (`require.resolve` too), from anywhere. */
        function checkExtensionEntry(node, specifier) {
            const pkgName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
            if (!pkgName.startsWith(EXTENSION_SCOPE) || NON_EXTENSION_PACKAGES.has(pkgName)) {
                return false;
            }
            const rest = specifier.slice(pkgName.length).replace(/\.js$/, '');
            if (!mayUseNodeEntry && NODE_MAIN_PACKAGES.has(pkgName) && (rest === '' || rest === '/package.json') && pkgName !== own()) {
                context.report({ node, messageId: 'extensionInternals', data: { specifier, allowed: `${pkgName}/lib/common` } });
                return true;
            }
            if (!allowedRests.includes(rest) && pkgName !== own()) {
                const allowed = mayUseNodeEntry && rest.startsWith('/lib/node/') ? `${pkgName}/lib/node` : pkgName;
                context.report({ node, messageId: 'extensionInternals', data: { specifier, allowed } });
            }
            return true;
        }

        function check(node, specifier) {
            if (typeof specifier !== 'string') {
                return;
            }
            if (!here) {
                if (!specifier.startsWith('.')) {
                    checkExtensionEntry(node, specifier);
                }
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
            if (checkExtensionEntry(node, specifier)) {
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
                if (node.callee.type === 'MemberExpression' && node.callee.object.type === 'Identifier' && node.callee.object.name === 'require'
                    && node.callee.property.type === 'Identifier' && node.callee.property.name === 'resolve'
                    && node.arguments.length >= 1 && node.arguments[0].type === 'Literal' && typeof node.arguments[0].value === 'string'
                    && !node.arguments[0].value.startsWith('.')) {
                    checkExtensionEntry(node.arguments[0], node.arguments[0].value);
                }
            }
        };
    }
};
