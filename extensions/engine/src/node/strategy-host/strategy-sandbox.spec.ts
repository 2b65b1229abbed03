// The sandbox from a hostile strategy's and plugin's side: real worker, real esbuild, real runs. Every attempt to reach
// Node, the host's globals, the disk or the worker's port is refused with a message, or finds nothing.

import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TickBatch } from '@backtestr/plugins-sdk';
import { enabledIndicatorsLoaderPath } from '@backtestr/plugins/lib/node';
import { BacktestDataImpl, RunStoreImpl, WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { defaultDataDir, seedSampleWorkspace } from '@backtestr/data-import/lib/node';
import { runBacktest } from '../backtest-runner';
import { StrategyRunResult } from './strategy-run-protocol';
import { runStrategy } from './strategy-runner';
import { rejection, strategyFolder } from '../test-support/strategy-specs';

const T0 = 1_381_104_000_000_000n; // 2013-10-07T00:00:00Z
const SDK = `import { defineStrategy, readFile } from '@backtestr/plugins-sdk';\n`;

const folder = strategyFolder('backtestr-sandbox-');
after(() => folder.remove());
const dir = folder.dir;
const strategyFile = folder.write;

/** Two minutes of one trade a second: enough for onStart, a few bar closes and onStop. */
function ticks(): TickBatch[] {
    const n = 120;
    const time = new BigInt64Array(n);
    const price = new Float64Array(n);
    const size = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        time[i] = T0 + BigInt(i * 1_000_000);
        price[i] = 100 + (i % 10) * 0.01;
        size[i] = 1;
    }
    return [{ time, price, size }];
}

/** The run's log lines as `probe => result`. */
function probes(result: StrategyRunResult): Record<string, string> {
    return Object.fromEntries(result.logs.message.map(m => m.split(' => ') as [string, string]));
}

// Each probe runs in onStart; what it returns or throws is logged.
const PROBES = `${SDK}
const probes: Record<string, (ctx: any) => unknown> = {
    'typeof process': () => typeof process,
    'typeof globalThis.process': () => typeof (globalThis as any).process,
    'typeof require': () => typeof require,
    'typeof module': () => typeof module,
    'typeof Buffer': () => typeof (globalThis as any).Buffer,
    'typeof setTimeout': () => typeof (globalThis as any).setTimeout,
    'typeof setInterval': () => typeof (globalThis as any).setInterval,
    'typeof setImmediate': () => typeof (globalThis as any).setImmediate,
    'typeof SharedArrayBuffer': () => typeof (globalThis as any).SharedArrayBuffer,
    'typeof Atomics': () => typeof (globalThis as any).Atomics,
    'typeof WebAssembly': () => typeof (globalThis as any).WebAssembly,
    'typeof fetch': () => typeof (globalThis as any).fetch,
    'Float64Array and BigInt64Array': () => new Float64Array([1.5]).length + new BigInt64Array(1).length,
    // Code made by the compartment's Function is strict: no global object comes back.
    'Function(return this)().process': () => typeof Function('return this')(),
    'indirect eval process': () => (0, eval)('typeof process'),
    'ctx.mtf constructor': ctx => ctx.mtf.constructor.constructor('return process')(),
    'ctx.log constructor': ctx => ctx.log.constructor.constructor('return process')(),
    'ctx.order.market constructor': ctx => ctx.order.market.constructor.constructor('return process')(),
    'ctx.mtf(1m) constructor': ctx => ctx.mtf('1m').constructor.constructor('return process')(),
    'ctx.indicator constructor': ctx => ctx.indicator('core.sma', { period: 3 }).update.constructor.constructor('return process')(),
    'array constructor': () => [].constructor.constructor('return process')(),
    'arrow constructor': () => (() => 0).constructor('return globalThis.process')(),
    'Object.prototype.x = 1': () => { (Object.prototype as any).x = 1; return ({} as any).x; },
    'Array.prototype.push = ...': () => { Array.prototype.push = () => 0; return 'replaced'; },
    'Atomics.wait': () => (globalThis as any).Atomics.wait(new Int32Array(new (globalThis as any).SharedArrayBuffer(4)), 0, 0, 1),
    'readFile workspace.duckdb': () => readFile('.backtestr/workspace.duckdb'),
    'readFile ../ escape': () => readFile('../../etc/passwd'),
    'readFile undeclared': () => readFile('model.json'),
    // A name esbuild cannot fold into a literal: the require (if there were one) is made at run time.
    'require fs at run time': ctx => (require as any)(ctx.instrument.symbol.toLowerCase().slice(0, 0) + ['f', 's'].join(''))
};
export default defineStrategy({
    id: 'test.probes', params: {}, subscribe: { barClose: ['1m'] },
    onStart(ctx) {
        for (const [name, probe] of Object.entries(probes)) {
            let result: string;
            try {
                result = String(probe(ctx));
            } catch (e) {
                result = 'refused: ' + (e as Error).message;
            }
            ctx.log(name + ' => ' + result);
        }
    }
});
`;

describe('strategy sandbox: a strategy reaches only its API', function (): void {
    this.timeout(120_000);

    it('finds no Node global, no timer, no shared memory, no host Function, no prototype to pollute, no file', async () => {
        fs.writeFileSync(path.join(dir, 'model.json'), '{"secret": 1}');
        const p = probes(await runStrategy({ file: strategyFile('probes.ts', PROBES), source: ticks() }));
        // `require` is the sandbox's: it answers the SDK only (the last probe).
        for (const name of ['typeof process', 'typeof globalThis.process', 'typeof Buffer', 'typeof setTimeout',
            'typeof setInterval', 'typeof setImmediate', 'typeof SharedArrayBuffer', 'typeof Atomics', 'typeof WebAssembly', 'typeof fetch',
            'Function(return this)().process', 'indirect eval process']) {
            expect(p[name], name).to.equal('undefined');
        }
        for (const name of ['ctx.mtf constructor', 'ctx.log constructor', 'ctx.order.market constructor', 'ctx.mtf(1m) constructor',
            'ctx.indicator constructor', 'array constructor', 'arrow constructor']) {
            expect(p[name], name).to.match(/^refused: .*not a valid constructor/);
        }
        expect(p['Float64Array and BigInt64Array'], 'columns are typed arrays').to.equal('2');
        expect(p['Object.prototype.x = 1']).to.match(/^refused: Cannot add property x, object is not extensible/);
        expect(p['Array.prototype.push = ...']).to.match(/^refused: Cannot assign to read only property 'push'/);
        expect(p['Atomics.wait']).to.match(/^refused: /);
        expect(p['readFile workspace.duckdb']).to.match(/^refused: Strategy probes\.ts cannot read '\.backtestr\/workspace\.duckdb': it is not declared in permissions\.files \(none declared\)/);
        expect(p['readFile ../ escape']).to.match(/^refused: .*not declared in permissions\.files/);
        expect(p['readFile undeclared']).to.match(/^refused: .*cannot read 'model\.json': it is not declared/);
        expect(p['require fs at run time']).to.match(/^refused: Strategy probes\.ts cannot import 'fs': strategies and plugins run in a sandbox/);
    });

    const refusedAtLoad: [string, string, RegExp][] = [
        ['import * as fs', `import * as fs from 'fs';\n${SDK}export default defineStrategy({ id: 'x', params: {}, subscribe: { tick: true }, onStart() { fs.readFileSync('/etc/passwd'); } });\n`,
            /Cannot compile .*import-fs\.ts: .*import-fs\.ts:1:\d+: Strategy import-fs\.ts cannot import 'fs': .*sandbox.*README, "Sandbox"/],
        ['require(fs)', `${SDK}const fs = require('fs');\nexport default defineStrategy({ id: 'x', params: {}, subscribe: { tick: true }, onStart() { fs.readFileSync('/etc/passwd'); } });\n`,
            /require-fs\.ts:2:\d+: Strategy require-fs\.ts cannot import 'fs'/],
        ['import(fs)', `${SDK}export default defineStrategy({ id: 'x', params: {}, subscribe: { tick: true }, onStart() { void import('fs'); } });\n`,
            /dynamic-import\.ts:2:\d+: Strategy dynamic-import\.ts cannot import 'fs'/],
        ['node:child_process', `${SDK}import { execSync } from 'node:child_process';\nexport default defineStrategy({ id: 'x', params: {}, subscribe: { tick: true }, onStart() { execSync('id'); } });\n`,
            /child-process\.ts:2:\d+: Strategy child-process\.ts cannot import 'node:child_process'/],
        ['worker_threads', `${SDK}import { parentPort } from 'worker_threads';\nparentPort!.postMessage({ type: 'result', result: {} });\nexport default defineStrategy({ id: 'x', params: {}, subscribe: { tick: true } });\n`,
            /worker-threads\.ts:2:\d+: Strategy worker-threads\.ts cannot import 'worker_threads'/],
        ['@backtestr/native', `${SDK}const native = require('@backtestr/native');\nexport default defineStrategy({ id: 'x', params: {}, subscribe: { tick: true }, onStart() { native.version(); } });\n`,
            /native\.ts threw while loading: Strategy native\.ts cannot import '@backtestr\/native'/],
        ['Object.prototype pollution at load', `${SDK}(Object.prototype as any).polluted = true;\nexport default defineStrategy({ id: 'x', params: {}, subscribe: { tick: true } });\n`,
            /pollute\.ts threw while loading: Cannot add property polluted, object is not extensible/],
        ['readFile while loading', `${SDK}const text = readFile('model.json');\nexport default defineStrategy({ id: 'x', params: {}, subscribe: { tick: true }, permissions: { files: ['model.json'] }, onStart(ctx) { ctx.log(text); } });\n`,
            /read-at-load\.ts threw while loading: .*readFile\('model\.json'\) while the module loads; read declared files in a hook/],
        ['eval', `${SDK}export default defineStrategy({ id: 'x', params: {}, subscribe: { tick: true }, onStart(ctx) { ctx.log(eval('typeof process')); } });\n`,
            /direct-eval\.ts threw while loading: .*direct eval expression rejected/]
    ];
    const files: Record<string, string> = {
        'import * as fs': 'import-fs.ts', 'require(fs)': 'require-fs.ts', 'import(fs)': 'dynamic-import.ts', 'node:child_process': 'child-process.ts',
        'worker_threads': 'worker-threads.ts', '@backtestr/native': 'native.ts', 'Object.prototype pollution at load': 'pollute.ts',
        'readFile while loading': 'read-at-load.ts', 'eval': 'direct-eval.ts'
    };
    for (const [what, text, message] of refusedAtLoad) {
        it(`refuses ${what} when the strategy loads, naming the file and line`, async () => {
            const error = await rejection(runStrategy({ file: strategyFile(files[what], text), source: ticks() }));
            expect(error.kind).to.equal('load');
            expect(error.message).to.match(message);
        });
    }

    it('keeps the user\'s file and line in a stack thrown from a relative import', async () => {
        strategyFile('helper.ts', `export function explode(): number {\n    throw new Error('boom in helper');\n}\n`);
        const file = strategyFile('uses-helper.ts', `${SDK}import { explode } from './helper';\nexport default defineStrategy({ id: 'test.helper', params: {}, subscribe: { barClose: ['1m'] },\n` +
            `    onBarClose() {\n        explode();\n    }\n});\n`);
        const error = await rejection(runStrategy({ file, source: ticks() }));
        expect(error.kind).to.equal('strategy');
        expect(error.message).to.match(/threw in onBarClose at .*uses-helper\.ts:5:9 .*boom in helper/);
        expect(error.stack).to.contain(`${path.join(dir, 'uses-helper.ts')}:5:9`);
    });

    it('reads a declared file, and no other', async () => {
        fs.writeFileSync(path.join(dir, 'levels.json'), '{"level": 100.05}');
        const file = strategyFile('granted.ts', `${SDK}
export default defineStrategy({
    id: 'test.granted', params: {}, subscribe: { barClose: ['1m'] }, permissions: { files: ['levels.json'] },
    onStart(ctx) {
        ctx.log('level => ' + JSON.parse(readFile('levels.json')).level);
        try { readFile('model.json'); } catch (e) { ctx.log('other => ' + (e as Error).message); }
    }
});
`);
        const result = await runStrategy({ file, source: ticks() });
        const p = probes(result);
        expect(p.level).to.equal('100.05');
        expect(p.other).to.match(/cannot read 'model\.json': it is not declared in permissions\.files \(declared: levels\.json\)/);
        expect(result.strategy.permissions).to.deep.equal({ files: ['levels.json'] });
    });

    it('refuses a declared file outside the strategy\'s folder and a network grant', async () => {
        const outside = await rejection(runStrategy({ file: strategyFile('outside.ts', `${SDK}export default defineStrategy({ id: 'x', params: {}, ` +
            `subscribe: { tick: true }, permissions: { files: ['sub/../../x.json'] } });\n`), source: ticks() }));
        expect(outside.message).to.match(/permissions\.files names 'sub\/\.\.\/\.\.\/x\.json'; give paths relative to the strategy's folder, inside it/);
        const network = await rejection(runStrategy({ file: strategyFile('network.ts', `${SDK}export default defineStrategy({ id: 'x', params: {}, ` +
            `subscribe: { tick: true }, permissions: { network: ['localhost:8080'] } });\n`), source: ticks() }));
        expect(network.kind).to.equal('invalid');
        expect(network.message).to.match(/declares permissions\.network \(localhost:8080\): this version grants no network access/);
    });
});

describe('strategy sandbox: a plugin indicator runs under the same rule', function (): void {
    this.timeout(120_000);
    const pluginDir = path.join(dir, 'plugins');

    function plugin(id: string, indicator: string, engine: string): void {
        const folder = path.join(pluginDir, id);
        fs.mkdirSync(folder, { recursive: true });
        fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({
            name: id, version: '1.0.0', main: 'index.js',
            backtestr: { id, publisher: 'Tests', sdk: '^0.1.0', contributes: { indicators: [indicator] }, engine: 'index.js' }
        }));
        fs.writeFileSync(path.join(folder, 'index.js'), engine);
    }

    before(() => {
        plugin('evil.probe', 'evil.probe', `'use strict';
const { defineIndicator } = require('@backtestr/plugins-sdk');
const probe = f => { try { return String(f()); } catch (e) { return 'refused: ' + e.message; } };
exports.indicators = [defineIndicator({
    id: 'evil.probe', label: 'probe', defaultOptions: {}, outputs: [{ id: 'value', kind: 'line' }],
    // What the probes found leaves the plugin as the message of the error update() throws.
    create: () => ({ update: () => { throw new Error(JSON.stringify([
        'process => ' + typeof process,
        'require => ' + probe(() => require(['f', 's'].join(''))),
        'constructor => ' + probe(() => probe.constructor('return process')()),
        'pollute => ' + probe(() => { Object.prototype.evil = 1; return 'polluted'; })
    ])); } })
})];
`);
        plugin('evil.static', 'evil.static', `'use strict';\nconst fs = require('fs');\nexports.indicators = [];\n`);
        fs.writeFileSync(path.join(pluginDir, 'plugins.json'), JSON.stringify({ version: 1, plugins: {
            'evil.probe': { state: 'enabled' }, 'evil.static': { state: 'enabled' }
        } }));
    });

    it('finds no Node global, no require, no host Function, no prototype to pollute; a static import of fs does not load', async () => {
        const file = strategyFile('uses-plugin.ts', `${SDK}
let probed = false;
export default defineStrategy({
    id: 'test.plugin', params: {}, subscribe: { barClose: ['1m'] },
    onStart(ctx) {
        try { ctx.indicator('evil.static'); } catch (e) { ctx.log('static => ' + (e as Error).message); }
    },
    onBarClose(ctx, bar) {
        if (probed) { return; }
        probed = true;
        try { ctx.indicator('evil.probe').update(bar); } catch (e) { for (const line of JSON.parse((e as Error).message)) { ctx.log(line); } }
    }
});
`);
        const p = probes(await runStrategy({ file, source: ticks(), plugins: { loader: enabledIndicatorsLoaderPath(), dir: pluginDir } }));
        expect(p.process).to.equal('undefined');
        expect(p.require).to.match(/^refused: plugin evil\.probe cannot import 'fs': strategies and plugins run in a sandbox/);
        expect(p.constructor).to.match(/^refused: .*not a valid constructor/);
        expect(p.pollute).to.match(/^refused: Cannot add property evil/);
        expect(p.static).to.match(/no such indicator.*plugin evil\.static was not loaded: .*evil\.static\/index\.js:2:\d+: plugin evil\.static cannot import 'fs'/);
    });
});

describe('strategy sandbox: the grant is stored with the run', function (): void {
    this.timeout(300_000);
    let root: string;

    before(async function (): Promise<void> {
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'eurusd-m1-2017h1'))) {
            this.skip();
        }
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-sandbox-ws-'));
        await seedSampleWorkspace(workspaceDatabasePath(root), dataDir!);
    });

    after(() => root && fs.rmSync(root, { recursive: true, force: true }));

    it('a strategy reading its declared model.json: the stored config names the file', async () => {
        fs.writeFileSync(path.join(dir, 'model.json'), '{"threshold": 3}');
        const file = strategyFile('with-model.ts', `${SDK}
let threshold = 0;
export default defineStrategy({
    id: 'test.with-model', params: {}, subscribe: { barClose: ['1D'] }, permissions: { files: ['model.json'] },
    onStart(ctx) { threshold = JSON.parse(readFile('model.json')).threshold; ctx.log('threshold => ' + threshold); }
});
`);
        const db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        try {
            const store = new RunStoreImpl(db);
            const outcome = await runBacktest({ file, symbol: 'EURUSD@histdata', kind: 'bars', to: 1_484_006_400_000_000 },
                { data: new BacktestDataImpl(db), runs: store, engineVersion: 'test' });
            expect(probes(outcome.result).threshold).to.equal('3');
            const stored = (await store.getRun(outcome.run.id))!;
            expect(stored.config.permissions).to.deep.equal({ files: ['model.json'] });
        } finally {
            db.close();
        }
    });
});
