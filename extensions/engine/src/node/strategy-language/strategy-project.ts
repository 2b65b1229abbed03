// *****************************************************************************
// The strategies open in one frontend as one TypeScript project: the documents' unsaved text
// (kept in sync by edits), a LanguageServiceHost over them and a LanguageService. Files the
// documents import but that are not open (a sibling helper module, the SDK's declarations)
// are read from disk. `@backtestr/plugins-sdk` (and its subpaths) resolve to the SDK this
// backend ships, wherever the strategy file is, so a workspace outside the repository and
// without a node_modules folder still gets the SDK's types.
// *****************************************************************************

import type * as ts from 'typescript';
import * as fs from 'fs';
import * as path from 'path';
import { StrategyTextEdit } from '../../common/strategy-language-protocol';
import { PLUGINS_SDK_MODULE, PluginsSdkTypes } from './typescript-runtime';

export interface StrategyDocument {
    readonly fileName: string;
    readonly version: number;
    readonly text: string;
}

/** Declarations of what a strategy's worker thread has besides ES2022 (no DOM, no Node API). */
const STRATEGY_GLOBALS_FILE = '/__backtestr__/strategy-globals.d.ts';
const STRATEGY_GLOBALS = `
interface Console {
    log(...data: unknown[]): void;
    info(...data: unknown[]): void;
    warn(...data: unknown[]): void;
    error(...data: unknown[]): void;
    debug(...data: unknown[]): void;
}
declare var console: Console;
`;

export class StrategyProject {
    protected readonly documents = new Map<string, StrategyDocument>();
    protected projectVersion = 0;
    protected readonly options: ts.CompilerOptions;
    protected readonly resolutionCache: ts.ModuleResolutionCache;
    protected readonly libDir: string;
    protected readonly diskFiles = new Map<string, { mtime: number; snapshot: ts.IScriptSnapshot }>();
    readonly service: ts.LanguageService;

    constructor(protected readonly ts: typeof import('typescript'), protected readonly sdk: PluginsSdkTypes, registry: ts.DocumentRegistry) {
        this.options = {
            target: ts.ScriptTarget.ES2022,
            module: ts.ModuleKind.ESNext,
            moduleResolution: ts.ModuleResolutionKind.Bundler,
            lib: ['lib.es2022.d.ts'],
            types: [],
            strict: true,
            noEmit: true,
            allowJs: true,
            checkJs: false,
            esModuleInterop: true,
            skipLibCheck: true,
            isolatedModules: true,
            forceConsistentCasingInFileNames: true
        };
        this.libDir = path.dirname(ts.getDefaultLibFilePath(this.options));
        this.resolutionCache = ts.createModuleResolutionCache('/', name => ts.sys.useCaseSensitiveFileNames ? name : name.toLowerCase(), this.options);
        this.service = ts.createLanguageService(this.createHost(), registry);
    }

    get openFiles(): string[] {
        return [...this.documents.keys()];
    }

    document(fileName: string): StrategyDocument | undefined {
        return this.documents.get(fileName);
    }

    open(fileName: string, version: number, text: string): void {
        this.documents.set(fileName, { fileName, version, text });
        this.projectVersion++;
    }

    /** Applies `edits` in order; returns an error message when one does not fit the text. */
    change(fileName: string, toVersion: number, edits: readonly StrategyTextEdit[]): string | undefined {
        const current = this.documents.get(fileName);
        if (!current) {
            return 'not open';
        }
        let text = current.text;
        for (const edit of edits) {
            if (!(edit.offset >= 0 && edit.length >= 0 && edit.offset + edit.length <= text.length)) {
                return `edit [${edit.offset}, ${edit.offset + edit.length}) is outside a text of ${text.length} characters`;
            }
            text = text.slice(0, edit.offset) + edit.text + text.slice(edit.offset + edit.length);
        }
        this.documents.set(fileName, { fileName, version: toVersion, text });
        this.projectVersion++;
        return undefined;
    }

    close(fileName: string): void {
        if (this.documents.delete(fileName)) {
            this.projectVersion++;
        }
    }

    dispose(): void {
        this.documents.clear();
        this.service.dispose();
    }

    protected createHost(): ts.LanguageServiceHost {
        const ts = this.ts;
        const moduleHost: ts.ModuleResolutionHost = {
            fileExists: file => this.documents.has(file) || ts.sys.fileExists(file),
            readFile: file => this.documents.get(file)?.text ?? ts.sys.readFile(file),
            directoryExists: dir => ts.sys.directoryExists(dir),
            getDirectories: dir => ts.sys.getDirectories(dir),
            realpath: file => ts.sys.realpath ? ts.sys.realpath(file) : file,
            useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames
        };
        return {
            ...moduleHost,
            useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
            getCompilationSettings: () => this.options,
            getProjectVersion: () => String(this.projectVersion),
            getScriptFileNames: () => [...this.documents.keys(), STRATEGY_GLOBALS_FILE],
            getScriptVersion: file => this.scriptVersion(file),
            getScriptSnapshot: file => this.scriptSnapshot(file),
            getCurrentDirectory: () => '/',
            getDefaultLibFileName: options => ts.getDefaultLibFilePath(options),
            readDirectory: (dir, extensions, exclude, include, depth) => ts.sys.readDirectory(dir, extensions, exclude, include, depth),
            resolveModuleNameLiterals: (literals, containingFile, redirected, options, containingSourceFile) =>
                literals.map(literal => this.resolveModule(literal, containingFile, redirected, options, containingSourceFile, moduleHost))
        };
    }

    protected resolveModule(literal: ts.StringLiteralLike, containingFile: string, redirected: ts.ResolvedProjectReference | undefined,
        options: ts.CompilerOptions, containingSourceFile: ts.SourceFile, host: ts.ModuleResolutionHost): ts.ResolvedModuleWithFailedLookupLocations {
        const ts = this.ts;
        const name = literal.text;
        if (name === PLUGINS_SDK_MODULE) {
            return { resolvedModule: { resolvedFileName: this.sdk.entry, extension: ts.Extension.Dts, isExternalLibraryImport: true } };
        }
        const mode = ts.getModeForUsageLocation(containingSourceFile, literal, options);
        if (name.startsWith(PLUGINS_SDK_MODULE + '/')) {
            // A subpath of the SDK, e.g. '@backtestr/plugins-sdk/lib/orders': resolved as a path inside its package.
            const inside = path.join(this.sdk.packageDir, name.slice(PLUGINS_SDK_MODULE.length + 1));
            return ts.resolveModuleName(inside, containingFile, options, host, undefined, redirected, mode);
        }
        return ts.resolveModuleName(name, containingFile, options, host, this.resolutionCache, redirected, mode);
    }

    protected scriptVersion(file: string): string {
        const document = this.documents.get(file);
        if (document) {
            return `open:${document.version}`;
        }
        if (file === STRATEGY_GLOBALS_FILE || file.startsWith(this.libDir)) {
            return 'static';
        }
        return `disk:${this.diskSnapshot(file)?.mtime ?? 'missing'}`;
    }

    protected scriptSnapshot(file: string): ts.IScriptSnapshot | undefined {
        const document = this.documents.get(file);
        if (document) {
            return this.ts.ScriptSnapshot.fromString(document.text);
        }
        if (file === STRATEGY_GLOBALS_FILE) {
            return this.ts.ScriptSnapshot.fromString(STRATEGY_GLOBALS);
        }
        return this.diskSnapshot(file)?.snapshot;
    }

    /** A file that is not open, as it is on disk; re-read when its modification time changes. */
    protected diskSnapshot(file: string): { mtime: number; snapshot: ts.IScriptSnapshot } | undefined {
        let mtime: number;
        try {
            mtime = fs.statSync(file).mtimeMs;
        } catch {
            this.diskFiles.delete(file);
            return undefined;
        }
        const cached = this.diskFiles.get(file);
        if (cached && cached.mtime === mtime) {
            return cached;
        }
        const text = this.ts.sys.readFile(file);
        if (text === undefined) {
            return undefined;
        }
        const entry = { mtime, snapshot: this.ts.ScriptSnapshot.fromString(text) };
        this.diskFiles.set(file, entry);
        return entry;
    }
}
