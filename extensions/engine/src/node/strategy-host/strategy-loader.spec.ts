import { expect } from 'chai';
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The source map of a compiled strategy must name the user's file whatever the working directory of
// the process is: each case runs the strategy in a child process started in another folder.

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-source-map-')));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const THROWER = [
    `import { defineStrategy } from '@backtestr/plugins-sdk';`,
    `import { limit } from '../lib/limits';`,
    `let n = 0;`,
    `export default defineStrategy({`,
    `    id: 'test.boom', params: {}, subscribe: { barClose: ['1m'] },`,
    `    onBarClose() {`,
    `        if (++n === limit) {`,
    `            throw new Error('boom');`,
    `        }`,
    `    }`,
    `});`
].join('\n');

interface ChildFailure {
    readonly kind: string;
    readonly message: string;
    readonly stack?: string;
}

/** Runs `file` on a few minutes of synthetic ticks in a node started in `cwd`; returns how it failed. */
function runIn(cwd: string, file: string): ChildFailure {
    const script = `
        const { runStrategy } = require(${JSON.stringify(path.join(__dirname, 'strategy-runner.js'))});
        const n = 600, time = new BigInt64Array(n), price = new Float64Array(n), size = new Float64Array(n);
        for (let i = 0; i < n; i++) { time[i] = 1381104000000000n + BigInt(i) * 1000000n; price[i] = 100 + (i % 7); size[i] = 1; }
        runStrategy({ file: ${JSON.stringify(file)}, source: [{ time, price, size }] }).then(
            () => { process.stdout.write(JSON.stringify({ kind: 'none', message: 'the run did not fail' })); },
            e => { process.stdout.write(JSON.stringify({ kind: e.kind, message: e.message, stack: e.strategyStack })); });`;
    const child = childProcess.spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr, `stderr of the run in ${cwd}`).to.equal('');
    return JSON.parse(child.stdout) as ChildFailure;
}

describe('strategy loader: source-mapped stacks do not depend on the working directory', function (): void {
    this.timeout(300_000);
    const workspace = path.join(root, 'ws');
    const file = path.join(workspace, 'strategies', 'boom.ts');
    const broken = path.join(workspace, 'strategies', 'broken.ts');
    const far = path.join(root, 'elsewhere', 'a', 'b', 'c', 'd');
    const below = path.join(workspace, 'strategies', 'notes', 'old');
    before(() => {
        for (const dir of [path.dirname(file), path.join(workspace, 'lib'), far, below]) {
            fs.mkdirSync(dir, { recursive: true });
        }
        fs.writeFileSync(file, THROWER);
        fs.writeFileSync(path.join(workspace, 'lib', 'limits.ts'), `export const limit: number = 3;\n`);
        fs.writeFileSync(broken, `import { defineStrategy } from '@backtestr/plugins-sdk';\nexport default defineStrategy({ id: 'x',, });\n`);
    });

    const cases: readonly [string, () => string][] = [
        ['the strategy\'s own folder', () => path.dirname(file)],
        ['the workspace above it', () => workspace],
        ['a folder below the strategy', () => below],
        ['an unrelated deep folder', () => far],
        ['the root folder', () => path.parse(root).root]
    ];
    for (const [where, cwd] of cases) {
        it(`names the strategy's absolute path, line and column when the process runs in ${where}`, () => {
            const failure = runIn(cwd(), file);
            expect(failure.kind).to.equal('strategy');
            expect(failure.message).to.contain(`Strategy 'test.boom' threw in onBarClose at ${file}:8:19`);
            expect(failure.stack).to.contain(`${file}:8:19`);
        });

        it(`names the absolute path of a compile error when the process runs in ${where}`, () => {
            const failure = runIn(cwd(), broken);
            expect(failure.kind).to.equal('load');
            expect(failure.message).to.match(new RegExp(`^Cannot compile ${escape(broken)}: ${escape(broken)}:2:\\d+: `));
        });
    }
});

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
