// `backtestr report` on a workspace whose DuckDB holds the real EURUSD SMA run (stored through RunStoreImpl).

import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import { EURUSD_M1_DIR, eurusdRunFixture, storeFixture } from '@backtestr/analysis/lib/node/test-support/eurusd-run-fixture';
import { runExportValidator } from '@backtestr/analysis/lib/node/test-support/run-export-validator';
import { tradesCsv } from '@backtestr/analysis/lib/common/report/report-csv';
import { RunStoreImpl } from '@backtestr/data-import/lib/node/run-store-impl';
import { WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/data-import/lib/node/workspace-database';
import { runReportCommand } from './report-command';

class Capture extends Writable {
    text = '';
    override _write(chunk: Buffer, _encoding: string, done: () => void): void {
        this.text += chunk.toString();
        done();
    }
}

async function report(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out = new Capture();
    const err = new Capture();
    const code = await runReportCommand(argv, { out, err });
    return { code, out: out.text, err: err.text };
}

describe('backtestr report', function (): void {
    let workspace: string;
    const fixture = fs.existsSync(EURUSD_M1_DIR) ? eurusdRunFixture('eurusd-sma') : undefined;

    before(async function (): Promise<void> {
        if (!fixture) {
            this.skip();
        }
        workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
        const db = await WorkspaceDatabase.open(workspaceDatabasePath(workspace));
        await storeFixture(new RunStoreImpl(db), fixture!);
        db.close();
    });

    after(() => workspace && fs.rmSync(workspace, { recursive: true, force: true }));

    it('writes the JSON export, valid against the schema', async () => {
        const out = path.join(workspace, 'out', 'run.json');
        const r = await report('eurusd-sma', '--workspace', workspace, '--format', 'json', '--out', out);
        expect(r.err).to.equal('');
        expect(r.code).to.equal(0);
        expect(r.out.trim()).to.equal(out);
        const parsed = JSON.parse(fs.readFileSync(out, 'utf8'));
        expect(runExportValidator()(parsed)).to.deep.equal([]);
        expect(parsed.trades.pnl).to.have.length(fixture!.source.trades.length);
    });

    it('writes the four CSV tables of the latest run into a folder', async () => {
        const dir = path.join(workspace, 'csv');
        const r = await report('latest', '--workspace', workspace, '--format', 'csv', '--out', dir);
        expect(r.code).to.equal(0);
        expect(fs.readdirSync(dir).sort()).to.deep.equal(['run-eurusd-sma-equity.csv', 'run-eurusd-sma-events.csv',
            'run-eurusd-sma-orders.csv', 'run-eurusd-sma-trades.csv']);
        expect(fs.readFileSync(path.join(dir, 'run-eurusd-sma-trades.csv'), 'utf8')).to.equal(tradesCsv(fixture!.output.trades));
    });

    it('writes the PDF tearsheet', async () => {
        const out = path.join(workspace, 'tearsheet.pdf');
        const r = await report('eurusd-sma', '--workspace', workspace, '--format=pdf', '--out', out);
        expect(r.code).to.equal(0);
        expect(execFileSync('pdfinfo', [out], { encoding: 'utf8' })).to.match(/Pages:\s+3\n/);
    });

    it('exits 1 for an unknown run and 2 for bad arguments, naming the argument', async () => {
        const missing = await report('nope', '--workspace', workspace, '--format', 'json', '--out', path.join(workspace, 'x.json'));
        expect(missing.code).to.equal(1);
        expect(missing.err).to.contain(`<runId>: There is no run 'nope'`);
        const badFormat = await report('eurusd-sma', '--workspace', workspace, '--format', 'docx');
        expect(badFormat.code).to.equal(2);
        expect(badFormat.err).to.contain(`--format: 'docx' is not one of`);
        const noWorkspace = await report('eurusd-sma', '--workspace', path.join(workspace, 'nowhere'), '--format', 'json');
        expect(noWorkspace.code).to.equal(2);
        expect(noWorkspace.err).to.contain('--workspace');
        const noId = await report('--workspace', workspace, '--format', 'json');
        expect(noId.code).to.equal(2);
        expect(noId.err).to.contain('<runId>');
    });
});
