// A `backtestr import` whose client goes away (Ctrl-C of a CLI whose import runs in the workspace's owner: the
// owner aborts the request's signal) is cancelled: the command fails saying so and the database is as it was.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TickRepository, WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { runHere } from './backtestr-cli';
import { Capture } from './cli-test-support';

describe('backtestr import: cancelled by its signal', function (): void {
    this.timeout(60_000);
    let work = '';

    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-import-cancel-'));
        const lines: string[] = [];
        for (let i = 0; i < 3600; i++) {
            lines.push(`${34_200_000 + i * 1000},${1_675_000 + (i % 50) * 100},${100 + (i % 7)},P,,0`);
        }
        fs.writeFileSync(path.join(work, '20131007_spy_Trade_Tick.csv'), lines.join('\n') + '\n');
    });

    after(() => fs.rmSync(work, { recursive: true, force: true }));

    const datasets = async (root: string): Promise<number> => {
        const db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        try {
            return (await new TickRepository(db).listDatasets()).length;
        } finally {
            db.close();
        }
    };

    it('an aborted signal cancels the import; nothing is written; without it the same import goes through', async () => {
        const root = path.join(work, 'workspace');
        const file = path.join(work, '20131007_spy_Trade_Tick.csv');
        const gone = new AbortController();
        gone.abort();
        const err = new Capture();
        const code = await runHere(['import', file, '--workspace', root], { out: new Capture(), err, signal: gone.signal });
        expect(code).to.equal(1);
        expect(err.text).to.match(/cancel/i);
        expect(await datasets(root)).to.equal(0);
        const ok = new Capture();
        expect(await runHere(['import', file, '--workspace', root], { out: ok, err: new Capture(), signal: new AbortController().signal }), ok.text).to.equal(0);
        expect(await datasets(root)).to.equal(1);
    });
});
