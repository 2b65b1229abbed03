// `backtestr audit` on the sample workspace's real data: a sample strategy passes (exit 0, the run stored);
// a strategy whose orders before a cut do not follow from the data before it fails (exit 1, the first divergent order named).

import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { defaultDataDir, seedSampleWorkspace } from '@backtestr/data-import/lib/node';
import { cli } from './cli-test-support';

const STRATEGIES = path.resolve(__dirname, '../../sample-workspace/strategies');

/** Decides by the dice of the clock, not by the data: the same data before a cut need not give the same orders. */
const UNREPRODUCIBLE = `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({
    id: 'unfair.coin', params: {}, subscribe: { barClose: ['1m'] }, timeframes: ['1m'],
    onBarClose(ctx) {
        if (Math.random() < 0.02) { ctx.order.market(ctx.position.qty > 0 ? 'sell' : 'buy', 1, { tag: 'coin' }); }
    }
});
`;

describe('backtestr audit', function (): void {
    this.timeout(300_000);
    let root: string;
    const range = ['--symbol', 'EURUSD@histdata', '--kind', 'bars', '--from', '2017-01-02', '--to', '2017-01-20'];

    before(async function (): Promise<void> {
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'eurusd-m1-2017h1'))) {
            this.skip();
        }
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-cli-'));
        await seedSampleWorkspace(workspaceDatabasePath(root), dataDir!);
    });

    after(() => root && fs.rmSync(root, { recursive: true, force: true }));

    it('sma-cross.ts passes: exit 0, the verdict and the cut times in the JSON, the run stored', async () => {
        const { code, out, err } = await cli('audit', path.join(STRATEGIES, 'sma-cross.ts'), '--workspace', root, ...range, '--cuts', '5', '--seed', '3', '--json');
        expect(err).to.equal('');
        expect(code).to.equal(0);
        const summary = JSON.parse(out) as { run: { id: string; stored: boolean }; orders: number; audit: { verdict: string; cuts: number; seed: number; cutTimes: number[] } };
        expect(summary.audit).to.include({ verdict: 'pass', cuts: 5, seed: 3 });
        expect(summary.audit.cutTimes).to.have.length(5);
        expect(summary.orders).to.be.greaterThan(0);
        expect(summary.run.stored).to.equal(true);
        // The stored run carries the verdict.
        const runs = JSON.parse((await cli('runs', '--workspace', root, '--json')).out) as { id: string; lookAhead?: { verdict: string; cuts: number } }[];
        expect(runs.find(r => r.id === summary.run.id)?.lookAhead).to.include({ verdict: 'pass', cuts: 5 });
    });

    it('an unreproducible strategy fails: exit 1, the text naming the first divergent order', async () => {
        const file = path.join(root, 'coin.ts');
        fs.writeFileSync(file, UNREPRODUCIBLE);
        const { code, out } = await cli('audit', file, '--workspace', root, ...range, '--cuts', '3', '--no-save');
        expect(code).to.equal(1);
        expect(out).to.match(/verdict +look-ahead: FAILED at 2017-01-\S+ \(cut at .*3 cuts, seed 1\): the first divergent (order|event): full run .*order #\d+/);
    });

    it('--help says the exit codes; bad --cuts is refused naming it', async () => {
        const help = await cli('audit', '--help');
        expect(help.code).to.equal(0);
        expect(help.out).to.contain('0 no look-ahead found, 1 look-ahead found');
        const bad = await cli('audit', path.join(STRATEGIES, 'sma-cross.ts'), '--workspace', root, ...range, '--cuts', '0');
        expect(bad.code).to.equal(2);
        expect(bad.err).to.contain('--cuts');
    });
});
