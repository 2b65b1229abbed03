import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { PassThrough } from 'stream';
import { ImportResult } from '../common/dataset-protocol';
import { runDataCommand } from './data-cli';
import { DataImporter } from './data-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { SHARED_DATA, tempDatabase, tempDir, unzipText } from './test-support/test-files';
import { openWorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const EUR_TICKS = path.join(SHARED_DATA, 'eurusd-quotes-2014-05', '20140501_quote.zip');
const SPY_MINUTE = path.join(SHARED_DATA, 'spy-minute-vendor-2013-10', '20131007_trade.zip');

describe('instrument specifications that ship with the product, and the venue from the data', function (): void {
    this.timeout(120_000);
    let dir: string;
    let saved: string | undefined;

    beforeEach(() => {
        dir = tempDir();
        saved = process.env.BACKTESTR_DATA_DIR;
        // A machine without the sample data folder.
        process.env.BACKTESTR_DATA_DIR = path.join(dir, 'no-data');
        fs.mkdirSync(process.env.BACKTESTR_DATA_DIR);
    });

    afterEach(() => {
        if (saved === undefined) {
            delete process.env.BACKTESTR_DATA_DIR;
        } else {
            process.env.BACKTESTR_DATA_DIR = saved;
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });

    async function cli(args: string[]): Promise<ImportResult> {
        const out = new PassThrough();
        let text = '';
        out.on('data', (chunk: Buffer) => text += chunk.toString());
        expect(await runDataCommand(['import', ...args, '--json'], out)).to.equal(0);
        return JSON.parse(text) as ImportResult;
    }

    const instruments = async (workspace: string): Promise<string[]> => {
        const db = await openWorkspaceDatabase(workspace);
        try {
            return (await new DataImporter(db).repo.listInstruments())
                .map(i => `${i.symbol}@${i.venue} ${i.assetClass} tick ${i.tickSize} lot ${i.lotSize} x${i.multiplier} ${i.currency}`);
        } finally {
            db.close();
        }
    };

    it('knows gold, a US stock and a CME future without the data folder', () => {
        const catalog = InstrumentCatalog.fromDataDir(process.env.BACKTESTR_DATA_DIR);
        expect(catalog.lookup('XAUUSD', 'oanda')).to.include({ tickSize: 0.001, currency: 'USD', assetClass: 'cfd' });
        expect(catalog.lookup('IBM', 'usa')).to.include({ symbol: 'IBM', tickSize: 0.01, lotSize: 1, assetClass: 'equity', timeZone: 'America/New_York' });
        expect(catalog.lookup('ES', 'cme')).to.include({ tickSize: 0.25, multiplier: 50, assetClass: 'future', timeZone: 'America/Chicago' });
        expect(catalog.lookup('GBPJPY', 'fxcm')).to.include({ tickSize: 0.001, currency: 'JPY' });
    });

    it('imports XAUUSD and IBM on a machine without the data folder (real rows, shipped specs)', async () => {
        const workspace = path.join(dir, 'ws');
        // Real EURUSD quote rows scaled to gold's price level (x1000 keeps them on gold's 0.001 grid).
        const quotes = unzipText(EUR_TICKS).split('\n').filter(l => l.length > 0).slice(0, 500)
            .map(l => l.split(',')).map(f => `${f[0]},${(Number(f[1]) * 1000).toFixed(3)},${(Number(f[2]) * 1000).toFixed(3)}`);
        const gold = path.join(dir, '20140501_xauusd_quotes.csv');
        fs.writeFileSync(gold, quotes.join('\n'));
        const xau = await cli([gold, '--workspace', workspace, '--symbol', 'XAUUSD', '--venue', 'oanda', '--kind', 'quotes',
            '--columns', 'time=0,bid=1,ask=2', '--time-format', 'ms-since-midnight']);
        expect([xau.rows, xau.quarantined]).to.deep.equal([quotes.length, 0]);
        const ibm = await cli([SPY_MINUTE, '--workspace', workspace, '--symbol', 'IBM', '--venue', 'usa']);
        expect(ibm.presetId).to.equal('lean-equity-minute-bars');
        expect(ibm.quarantined).to.equal(0);
        expect((await instruments(workspace)).sort()).to.deep.equal(['IBM@usa equity tick 0.01 lot 1 x1 USD', 'XAUUSD@oanda cfd tick 0.001 lot 1 x1 USD']);
    });

    it('names the flags to give for a symbol no specification ships for', async () => {
        // A plain CSV: no preset implies a venue (a Lean US equity file would: any symbol of it is a US stock).
        const file = path.join(dir, 'ticks.csv');
        fs.writeFileSync(file, unzipText(EUR_TICKS).split('\n').slice(0, 10).map(l => `${Date.UTC(2014, 4, 1) + Number(l.split(',')[0])},${l.split(',')[1]}`).join('\n'));
        const error = await runDataCommand(['import', file, '--workspace', path.join(dir, 'ws'), '--symbol', 'NOSUCHSYM', '--kind', 'trades',
            '--columns', 'time=0,price=1', '--time-format', 'epoch-ms'], new PassThrough()).then(() => undefined, (e: Error) => e);
        expect(error?.message).to.contain('Unknown instrument NOSUCHSYM').and.contain('--tick-size').and.contain('--venue usa');
    });

    it('takes the venue from a Lean data tree (forex/fxcm/...), not the preset (which says oanda)', async () => {
        const fxcm = path.join(dir, 'data', 'forex', 'fxcm', 'tick', 'eurusd', '20140501_quote.zip');
        fs.mkdirSync(path.dirname(fxcm), { recursive: true });
        fs.copyFileSync(EUR_TICKS, fxcm);
        const db = await tempDatabase(path.join(dir, 'ws'));
        try {
            const importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA));
            const result = await importer.import({ paths: [fxcm], computeDerived: false });
            expect(result.presetId).to.equal('lean-forex-quotes');
            expect((await importer.repo.listInstruments()).map(i => `${i.symbol}@${i.venue}`)).to.deep.equal(['EURUSD@fxcm']);
        } finally {
            db.close();
        }
    });
});
