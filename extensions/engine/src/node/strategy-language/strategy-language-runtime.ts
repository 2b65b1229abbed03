// *****************************************************************************
// What every frontend connection's strategy project shares: the TypeScript compiler, where the
// SDK's declarations are, and one DocumentRegistry, so the parsed lib.*.d.ts and SDK files
// are kept once however many windows are open.
// *****************************************************************************

import type * as ts from 'typescript';
import { injectable } from '@theia/core/shared/inversify';
import { findPluginsSdkTypes, loadTypeScript } from './typescript-runtime';
import { StrategyProject } from './strategy-project';

@injectable()
export class StrategyLanguageRuntime {
    protected registry: ts.DocumentRegistry | undefined;

    get typescript(): typeof import('typescript') {
        return loadTypeScript();
    }

    createProject(): StrategyProject {
        const typescript = loadTypeScript();
        this.registry ??= typescript.createDocumentRegistry(typescript.sys.useCaseSensitiveFileNames, '/');
        return new StrategyProject(typescript, findPluginsSdkTypes(), this.registry);
    }
}
