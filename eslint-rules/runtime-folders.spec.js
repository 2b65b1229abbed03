// @ts-check
// Tests of the `backtestr/runtime-folders` lint rule: the rule itself (RuleTester) and the
// repository's ESLint configuration applying it to a deliberate browser -> node import.
'use strict';
const path = require('path');
const { expect } = require('chai');
const { ESLint, RuleTester } = require('eslint');
const tseslint = require('typescript-eslint');
const rule = require('./runtime-folders');

const root = path.resolve(__dirname, '..');
const at = relative => path.join(root, relative);

const ruleTester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });

ruleTester.run('runtime-folders', rule, {
    valid: [
        { filename: at('extensions/engine/src/browser/runs-widget.tsx'), code: "import { EngineService } from '../common/engine-protocol';" },
        { filename: at('extensions/engine/src/node/engine-service-impl.ts'), code: "import { EngineService } from '../common';" },
        { filename: at('extensions/charts/src/browser/chart.ts'), code: "import { DatasetService } from '@backtestr/data-import';" },
        { filename: at('extensions/charts/src/node/chart.ts'), code: "import { DatasetService } from '@backtestr/data-import/lib/common';" },
        { filename: at('extensions/engine/src/browser/x.ts'), code: "import { ReactWidget } from '@theia/core/lib/browser';" },
        { filename: at('extensions/engine/src/common/x.ts'), code: "import { Emitter } from '@theia/core/lib/common/event';" },
        { filename: at('extensions/engine/src/node/x.ts'), code: "import { defineStrategy } from '@backtestr/plugins-sdk';" },
        { filename: at('scripts/anything.ts'), code: "import '../extensions/engine/src/node/engine-service-impl';" },
        // The node entries (src/node/index.ts) of other extensions, from node code, the CLI and benches.
        { filename: at('extensions/engine/src/node/x.ts'), code: "import { enabledIndicatorsLoaderPath } from '@backtestr/plugins/lib/node';" },
        { filename: at('cli/src/x.ts'), code: "import { RunStoreImpl } from '@backtestr/data-import/lib/node';" },
        { filename: at('cli/src/x.ts'), code: "import { StrategyRunError } from '@backtestr/engine/lib/node/index';" },
        { filename: at('extensions/engine/bench/x.js'), code: "const { TickRepository } = require('@backtestr/data-import/lib/node');" },
        // A package reaching its own files through its name (bundled backends) and non-extension packages' subpaths.
        { filename: at('extensions/engine/src/node/x.ts'), code: "const w = require.resolve('@backtestr/engine/lib/node/strategy-host/strategy-worker.js');" },
        { filename: at('cli/src/x.ts'), code: "import { X } from '@backtestr/plugins-sdk/lib/orders';" },
        { filename: at('cli/src/x.ts'), code: "const p = require.resolve('@backtestr/plugins-sdk/package.json');" },
        // engine-core: its main entry from node code, the CLI and benches; its common entry from anywhere.
        { filename: at('extensions/charts/src/node/x.ts'), code: "import { MtfEngine } from '@backtestr/engine-core';" },
        { filename: at('extensions/engine/bench/x.js'), code: "const { barTicks } = require('@backtestr/engine-core');" },
        { filename: at('extensions/data-import/src/browser/x.ts'), code: "import { tickScale } from '@backtestr/engine-core/lib/common';" }
    ],
    invalid: [
        {
            filename: at('extensions/engine/src/browser/runs-widget.tsx'),
            code: "import { EngineServiceImpl } from '../node/engine-service-impl';",
            errors: [{ messageId: 'runtime' }]
        },
        {
            filename: at('extensions/engine/src/common/engine-protocol.ts'),
            code: "export * from '../browser/runs-widget';",
            errors: [{ messageId: 'runtime' }]
        },
        {
            filename: at('extensions/engine/src/common/engine-protocol.ts'),
            code: "import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';",
            errors: [{ messageId: 'runtime' }]
        },
        {
            filename: at('extensions/engine/src/node/engine-service-impl.ts'),
            code: "const w = require('../browser/runs-widget');",
            errors: [{ messageId: 'runtime' }]
        },
        {
            filename: at('extensions/engine/src/node/x.ts'),
            code: "import { FrontendApplication } from '@theia/core/lib/browser/frontend-application';",
            errors: [{ messageId: 'runtime' }]
        },
        {
            filename: at('extensions/charts/src/browser/chart.ts'),
            code: "import { X } from '@backtestr/data-import/lib/browser/datasets-widget';",
            errors: [{ messageId: 'extensionInternals' }]
        },
        {
            filename: at('extensions/charts/src/node/chart.ts'),
            code: "import { X } from '@backtestr/data-import/lib/common/dataset-protocol';",
            errors: [{ messageId: 'extensionInternals' }]
        },
        {
            filename: at('extensions/charts/src/common/x.ts'),
            code: "import { X } from '../../../data-import/src/common';",
            errors: [{ messageId: 'crossPackage' }]
        },
        // Deep lib paths of another extension from outside any runtime folder (the CLI, benches, scripts).
        ...[
            ['cli/src/x.ts', "import { RunStoreImpl } from '@backtestr/data-import/lib/node/run-store-impl';"],
            ['cli/src/x.ts', "import { parseMemoryBudget } from '@backtestr/engine/lib/common/memory-budget';"],
            ['cli/src/x.spec.ts', "import { f } from '@backtestr/analysis/lib/node/test-support/eurusd-run-fixture';"],
            ['cli/src/x.ts', "const loader = require.resolve('@backtestr/plugins/lib/node/load-enabled-indicators');"],
            ['extensions/engine/bench/x.js', "const { TickRepository } = require('@backtestr/data-import/lib/node/tick-repository');"],
            ['scripts/x.js', "const { PluginManager } = require('@backtestr/plugins/lib/node/plugin-manager.js');"],
            // ... and from inside one: a require.resolve string, and the node entry from browser code.
            ['extensions/engine/src/node/x.ts', "const loader = require.resolve('@backtestr/plugins/lib/node/load-enabled-indicators');"],
            ['extensions/charts/src/browser/x.ts', "import { RunStoreImpl } from '@backtestr/data-import/lib/node';"],
            ['extensions/charts/src/common/x.ts', "import { RunStoreImpl } from '@backtestr/data-import/lib/node';"],
            // engine-core's main entry loads the native addon: not from browser or common code.
            ['extensions/data-import/src/browser/x.ts', "import { tickScale } from '@backtestr/engine-core';"],
            ['extensions/engine/src/common/x.ts', "import type { TickBatch } from '@backtestr/engine-core';"],
            ['extensions/data-import/src/browser/x.ts', "import { MtfEngine } from '@backtestr/engine-core/lib/node';"]
        ].map(([file, code]) => ({ filename: at(file), code, errors: [{ messageId: 'extensionInternals' }] }))
    ]
});

describe('the repository lint configuration', () => {
    it('fails on a deliberate browser -> node import in an extension', async () => {
        const eslint = new ESLint({ cwd: root });
        const [result] = await eslint.lintText(
            "import { EngineServiceImpl } from '../node/engine-service-impl';\nexport const x = EngineServiceImpl;\n",
            { filePath: at('extensions/engine/src/browser/deliberate-violation.ts') }
        );
        const messages = result.messages.filter(m => m.ruleId === 'backtestr/runtime-folders');
        expect(messages).to.have.length(1);
        expect(messages[0].severity).to.equal(2);
        expect(messages[0].message).to.contain("'browser' code must not import 'node' code");
    });

    it('fails on a deep lib import of another extension in the CLI', async () => {
        const eslint = new ESLint({ cwd: root });
        const [result] = await eslint.lintText(
            "import { RunStoreImpl } from '@backtestr/data-import/lib/node/run-store-impl';\nexport const x = RunStoreImpl;\n",
            { filePath: at('cli/src/deliberate-violation.ts') }
        );
        const messages = result.messages.filter(m => m.ruleId === 'backtestr/runtime-folders');
        expect(messages).to.have.length(1);
        expect(messages[0].severity).to.equal(2);
        expect(messages[0].message).to.contain("use '@backtestr/data-import/lib/node' instead of '@backtestr/data-import/lib/node/run-store-impl'");
    });

    it('accepts the same import from node code', async () => {
        const eslint = new ESLint({ cwd: root });
        const [result] = await eslint.lintText(
            "import { EngineServiceImpl } from './engine-service-impl';\nexport const x = EngineServiceImpl;\n",
            { filePath: at('extensions/engine/src/node/deliberate-ok.ts') }
        );
        expect(result.messages.filter(m => m.ruleId === 'backtestr/runtime-folders')).to.deep.equal([]);
    });
});
