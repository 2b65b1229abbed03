import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { PassThrough } from 'stream';
import { ImportResult } from '../common/dataset-protocol';
import { runDataCommand } from './data-cli';
import { DataImporter } from './data-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { SHARED_DATA, tempDir, unzipText } from './test-support/test-files';
import { openWorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const EUR_TICKS = path.join(SHARED_DATA, 'eurusd-quotes-2014-05', '20140501_quote.zip');
const SPY_MINUTE = path.join(SHARED_DATA, 'spy-minute-vendor-2013-10', '20131007_trade.zip');

describe('backtestr import: every CSV option of the wizard on the command line', function (): void {
    this.timeout(120_000);
    let dir: string;

    beforeEach(() => {
        dir = tempDir();
    });

    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    async function cli(args: string[]): Promise<ImportResult> {
        const out = new PassThrough();
        let text = '';
        out.on('data', (chunk: Buffer) => text += chunk.toString());
        expect(await runDataCommand(['import', ...args, '--json'], out)).to.equal(0);
        return JSON.parse(text) as ImportResult;
    }

    const times = async (workspace: string, symbol: string, venue: string, kind: 'quotes' | 'bars'): Promise<number[]> => {
        const db = await openWorkspaceDatabase(workspace);
        try {
            const importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA));
            const id = (await importer.repo.findInstrument(symbol, venue))!.id;
            if (kind === 'bars') {
                return (await db.all(`SELECT time_us FROM bars WHERE instrument_id = ${id} AND origin = 'import' ORDER BY time_us`)).map(r => Number(r.time_us));
            }
            return Array.from((await importer.repo.readTicks({ instrumentId: id, kind })).time as ArrayLike<number | bigint>, Number);
        } finally {
            db.close();
        }
    };

    it('reads an unknown layout from --kind --delimiter --header --columns --time-format --time-zone --price-scale (real EURUSD quotes)', async () => {
        // The real quotes rewritten: ask first, bid second, `;`-delimited, a header, ISO local times in UTC+02:00, prices x100000.
        const day = Date.UTC(2014, 4, 1);
        const rows = unzipText(EUR_TICKS).split('\n').filter(l => l.length > 0).slice(0, 2000).map(l => l.split(','));
        const iso = (ms: number): string => new Date(day + ms + 7_200_000).toISOString().replace('Z', '').replace('T', ' ');
        const text = ['when;ask;bid', ...rows.map(f => `${iso(Number(f[0]))};${Math.round(Number(f[2]) * 1e5)};${Math.round(Number(f[1]) * 1e5)}`)].join('\n');
        const file = path.join(dir, 'eur.txt');
        fs.writeFileSync(file, text);
        const workspace = path.join(dir, 'ws');
        const result = await cli([file, '--workspace', workspace, '--symbol', 'EURUSD', '--venue', 'oanda', '--kind', 'quotes', '--delimiter', ';', '--header',
            '--columns', 'time=0,ask=1,bid=2', '--time-format', 'iso8601', '--time-zone', 'UTC+02:00', '--price-scale', '5']);
        expect([result.rows, result.quarantined]).to.deep.equal([rows.length, 0]);
        expect(await times(workspace, 'EURUSD', 'oanda', 'quotes')).to.deep.equal(rows.map(f => (day + Number(f[0])) * 1000));
    });

    it('applies a flag on top of --preset (--time-zone UTC moves a Lean minute file 4 hours) and --timeframe names the bars', async () => {
        const workspace = path.join(dir, 'ws');
        const first = await cli([SPY_MINUTE, '--workspace', workspace, '--preset', 'lean-equity-minute-bars', '--time-zone', 'UTC', '--timeframe', '1m']);
        expect(first.quarantined).to.equal(0);
        const utc = await times(workspace, 'SPY', 'usa', 'bars');
        const lines = unzipText(SPY_MINUTE).split('\n').filter(l => l.length > 0);
        expect(utc).to.deep.equal(lines.map(l => (Date.UTC(2013, 9, 7) + Number(l.split(',')[0])) * 1000));
    });

    it('words a wrong CSV flag naming it', async () => {
        const out = new PassThrough();
        const fail = (args: string[]): Promise<string> => runDataCommand(['import', SPY_MINUTE, '--workspace', path.join(dir, 'ws'), ...args], out)
            .then(() => '', (e: Error) => e.message);
        expect(await fail(['--kind', 'quotes'])).to.contain('--columns: CSV options without --preset need --columns, --time-format');
        expect(await fail(['--preset', 'lean-equity-minute-bars', '--columns', 'time=0,opn=1'])).to.contain("--columns: 'opn' is not a column");
        expect(await fail(['--preset', 'lean-equity-minute-bars', '--delimiter', ';;'])).to.contain('--delimiter');
        expect(await fail(['--preset', 'lean-equity-minute-bars', '--time-format', 'unix'])).to.contain("--time-format: 'unix' is not one of");
        expect(await fail(['--overlap', 'merge'])).to.contain("--overlap: 'merge' is not skip or quarantine");
    });
});
