import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { defaultDataDir, seedSampleWorkspace } from '@backtestr/data-import/lib/node';
import { cli } from './cli-test-support';

const STRATEGIES = path.resolve(__dirname, '../../sample-workspace/strategies');

interface Summary {
    trades: { side: string; qty: number; entryTime: number; entryPrice: number; exitTime: number; exitPrice: number; pnl: number }[];
    ticks: number;
    run: { id: string; stored: boolean };
}

describe('Python sample strategy end to end (CLI, real data, stored run)', function (): void {
    this.timeout(600_000);
    let root = '';

    before(async function (): Promise<void> {
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'eurusd-m1-2017h1'))) {
            this.skip();
        }
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-python-cli-'));
        await seedSampleWorkspace(workspaceDatabasePath(root), dataDir);
    });

    after(() => {
        if (root) {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it('backtestr run sma_cross.py gives exactly the trades of sma-cross.ts on EURUSD@histdata bars, and stores the run', async () => {
        const args = ['--workspace', root, '--symbol', 'EURUSD@histdata', '--kind', 'bars', '--json'];
        const ts = await cli('run', path.join(STRATEGIES, 'sma-cross.ts'), ...args, '--no-save');
        expect(ts.err).to.equal('');
        expect(ts.code).to.equal(0);
        const py = await cli('run', path.join(STRATEGIES, 'sma_cross.py'), ...args);
        expect(py.err).to.equal('');
        expect(py.code).to.equal(0);
        const a = JSON.parse(ts.out) as Summary;
        const b = JSON.parse(py.out) as Summary;
        expect(b.ticks).to.equal(a.ticks);
        expect(a.trades.length).to.be.greaterThan(1000);
        expect(b.trades).to.deep.equal(a.trades);
        expect(b.run.stored).to.equal(true);
    });

    it('--python picks the interpreter (the preference backtestr.python in the IDE); a missing one fails the run naming it', async () => {
        const args = ['--workspace', root, '--symbol', 'EURUSD@histdata', '--kind', 'bars', '--to', '2017-01-10', '--no-save', '--json'];
        const ok = await cli('run', path.join(STRATEGIES, 'sma_cross.py'), ...args, '--python', '/usr/bin/python3');
        expect(ok.err).to.equal('');
        expect(ok.code).to.equal(0);
        expect((JSON.parse(ok.out) as Summary).ticks).to.be.greaterThan(0);
        const missing = path.join(root, 'no-such-python');
        const bad = await cli('run', path.join(STRATEGIES, 'sma_cross.py'), ...args, '--python', missing);
        expect(bad.code).to.equal(1);
        expect(bad.err).to.include(`'${missing}' was not found`);
        expect(bad.err).to.include("preference 'backtestr.python'");
    });
});
