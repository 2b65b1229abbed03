// Imports the real vendor data of ../shared/data (read at test time, never copied) and checks
// exact counts, zero quarantine, exact price round-trips, the bar cache against the vendor's own
// bars, and that a process killed mid-import leaves the database as it was.

import { expect } from 'chai';
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DataImporter } from './data-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { PriceGrid } from './price-grid';
import { seedSampleWorkspace } from './sample-workspace';
import { SHARED_DATA, tempDatabase, tempDir, unzipText } from './test-support/test-files';
import { daysFromCivil, MICROS_PER_DAY } from './time-zone';
import { TickFlags, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

function zipDay(file: string): number {
    const m = /(\d{4})(\d{2})(\d{2})_/.exec(path.basename(file))!;
    return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}

describe('real data import (../shared/data)', function (): void {
    this.timeout(300_000);
    let dir: string;
    let db: WorkspaceDatabase;
    let importer: DataImporter;

    before(async () => {
        dir = tempDir();
        db = await tempDatabase(dir);
        importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA));
    });

    after(() => {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('imports the 1,887,460 SPY trades with zero quarantine, exact prices, sizes and New York times', async () => {
        const folder = path.join(SHARED_DATA, 'spy-trades-2013-10');
        const result = await importer.import({ paths: [folder] });
        expect([result.presetId, result.rows, result.quarantined]).to.deep.equal(['lean-equity-trades', 1_887_460, 0]);
        const ticks = await importer.repo.readTicks(result.datasets[0]);
        expect(ticks.count).to.equal(1_887_460);
        let i = 0, mismatches = 0;
        for (const file of fs.readdirSync(folder).sort()) {
            // October 2013: New York is on EDT, UTC-4.
            const dayStart = zipDay(file) * MICROS_PER_DAY + 4 * 3_600_000_000;
            for (const line of unzipText(path.join(folder, file)).split('\n')) {
                const f = line.split(',');
                if (ticks.time[i] !== dayStart + Number(f[0]) * 1000 || ticks.price![i] * 100 !== Number(f[1]) || ticks.size![i] !== Number(f[2])) {
                    mismatches++;
                }
                i++;
            }
        }
        expect([i, mismatches]).to.deep.equal([1_887_460, 0]);
    });

    it('streams the SPY trades in day batches that add up to the whole, in time order', async () => {
        const spy = (await importer.repo.findInstrument('SPY', 'usa'))!;
        let total = 0, last = -Infinity, batches = 0, ordered = true;
        for await (const batch of importer.repo.streamTickBatches({ instrumentId: spy.id, kind: 'trades' }, { batchRows: 500_000 })) {
            batches++;
            total += batch.count;
            for (let i = 0; i < batch.count; i++) {
                const time = Number(batch.time[i]);
                ordered &&= time >= last;
                last = time;
            }
        }
        expect([total, ordered]).to.deep.equal([1_887_460, true]);
        expect(batches).to.be.within(3, 5);
    });

    it('imports the 532,903 EURUSD quotes with zero quarantine and prices that print back as the vendor wrote them', async () => {
        const folder = path.join(SHARED_DATA, 'eurusd-quotes-2014-05');
        const result = await importer.import({ paths: [folder] });
        expect([result.presetId, result.rows, result.quarantined]).to.deep.equal(['lean-forex-quotes', 532_903, 0]);
        const ticks = await importer.repo.readTicks(result.datasets[0]);
        const grid = new PriceGrid(0.00001);
        let i = 0, mismatches = 0;
        for (const file of fs.readdirSync(folder).sort()) {
            const dayStart = zipDay(file) * MICROS_PER_DAY;
            for (const line of unzipText(path.join(folder, file)).trim().split('\n')) {
                const f = line.trim().split(',');
                if (ticks.time[i] !== dayStart + Number(f[0]) * 1000 || grid.format(ticks.bid![i]) !== f[1] || grid.format(ticks.ask![i]) !== f[2]) {
                    mismatches++;
                }
                i++;
            }
        }
        expect([i, mismatches]).to.deep.equal([532_903, 0]);
        // The OANDA preset keeps crossed quotes; these files hold none (the crossed case is tested on a fixture made
        // from their rows, quote-policies.spec.ts).
        expect(ticks.flags.filter(f => (f & TickFlags.CROSSED) !== 0).length).to.equal(0);
    });

    it('computes 1-minute bid bars that equal the vendor\'s own EURUSD minute bars exactly', async () => {
        const eur = (await importer.repo.findInstrument('EURUSD', 'oanda'))!;
        const bars = await importer.repo.readBars({ instrumentId: eur.id, kind: 'quotes' }, '1m');
        const ours = new Map<number, string>();
        for (let i = 0; i < bars.count; i++) {
            ours.set(bars.time[i], [bars.open[i], bars.high[i], bars.low[i], bars.close[i]].join());
        }
        const folder = path.join(SHARED_DATA, 'eurusd-minute-vendor-2014-05');
        let compared = 0, equal = 0;
        for (const file of fs.readdirSync(folder).filter(f => f.startsWith('2014')).sort()) {
            const dayStart = zipDay(file) * MICROS_PER_DAY;
            for (const line of unzipText(path.join(folder, file)).trim().split('\n')) {
                const f = line.trim().split(',');
                compared++;
                if (ours.get(dayStart + Number(f[0]) * 1000) === f.slice(1, 5).map(x => Math.round(Number(x) * 1e5)).join()) {
                    equal++;
                }
            }
        }
        expect(compared).to.be.greaterThan(15_000);
        expect(equal).to.equal(compared);
        expect(bars.count).to.equal(compared);
    });

    it('imports the 186,348 HistData bars at fixed UTC-5 with zero quarantine', async () => {
        const result = await importer.import({ paths: [path.join(SHARED_DATA, 'eurusd-m1-2017h1')] });
        expect([result.presetId, result.rows, result.quarantined]).to.deep.equal(['histdata-m1', 186_348, 0]);
        const bars = await importer.repo.readBars(result.datasets[0], '1m');
        expect(bars.count).to.equal(186_348);
        // First line: 20170102 020000;1.051550;1.051970;1.051550;1.051900;0 (EST = UTC-5)
        expect([bars.time[0], bars.open[0], bars.high[0], bars.low[0], bars.close[0]])
            .to.deep.equal([Date.UTC(2017, 0, 2, 7) * 1000, 105155, 105197, 105155, 105190]);
        const datasets = await importer.repo.listDatasets();
        expect(datasets.map(d => [d.symbol, d.kind, d.tickCount, d.quarantinedRows])).to.deep.equal([
            ['EURUSD', 'bars', 186_348, 0], ['EURUSD', 'quotes', 532_903, 0], ['SPY', 'trades', 1_887_460, 0]
        ]);
        expect(datasets.every(d => d.qualityScore !== undefined && d.qualityScore > 50)).to.equal(true);
    });

    it('leaves the database as it was when the importing process is killed mid-import, and it reopens', async () => {
        const killDir = tempDir();
        const dbPath = path.join(killDir, 'workspace.duckdb');
        const seed = await WorkspaceDatabase.open(dbPath);
        await new DataImporter(seed).import({ paths: [path.join(SHARED_DATA, 'eurusd-quotes-2014-05', '20140501_quote.zip')], computeDerived: false });
        seed.close();
        const script = `
            const { WorkspaceDatabase } = require(${JSON.stringify(require.resolve('@backtestr/workspace-store/lib/node'))});
            const { DataImporter } = require(${JSON.stringify(path.join(__dirname, 'data-importer'))});
            WorkspaceDatabase.open(${JSON.stringify(dbPath)}).then(db => new DataImporter(db).import(
                { paths: [${JSON.stringify(path.join(SHARED_DATA, 'spy-trades-2013-10'))}] },
                { onProgress: p => { if (p.rows > 300000) { process.stdout.write('midway\\n'); } } }));`;
        // Segments written every 100,000 rows: the kill comes after some were written, before the commit registered them.
        const child = childProcess.spawn(process.execPath, ['-e', script], {
            stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BACKTESTR_IMPORT_SPILL_ROWS: '100000' }
        });
        await new Promise<void>((resolve, reject) => {
            child.stdout.on('data', (chunk: Buffer) => {
                if (chunk.toString().includes('midway')) {
                    child.kill('SIGKILL');
                }
            });
            child.on('exit', (_code, signal) => signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited without being killed (${signal})`)));
        });
        const ticks = path.join(killDir, 'workspace.ticks');
        const files = (): string[] => (fs.readdirSync(ticks, { recursive: true }) as string[]).filter(f => f.endsWith('.parquet')).sort();
        expect(files().some(f => f.includes('trades')), 'the killed import wrote segments').to.equal(true);
        const reopened = await WorkspaceDatabase.open(dbPath);
        try {
            // Its files, never registered, are gone; the earlier import's are kept.
            expect(files()).to.deep.equal((await reopened.all('SELECT file FROM tick_segments ORDER BY file')).map(r => String(r.file)));
            expect(files().every(f => f.includes('quotes'))).to.equal(true);
            expect(await reopened.scalar('SELECT count(*) FROM quotes')).to.equal(24_179n);
            expect(await reopened.scalar('SELECT count(*) FROM trades')).to.equal(0n);
            expect(await reopened.scalar('SELECT count(*) FROM imports')).to.equal(1n);
        } finally {
            reopened.close();
            fs.rmSync(killDir, { recursive: true, force: true });
        }
    });

    it('seeds a sample workspace from the synthetic generator when no data folder is given', async () => {
        const seedDir = tempDir();
        try {
            const result = await seedSampleWorkspace(path.join(seedDir, 'workspace.duckdb'), undefined);
            expect(result.source).to.equal('synthetic');
            expect(result.datasets.map(d => [d.symbol, d.kind])).to.deep.equal([['EURUSD', 'quotes'], ['SPY', 'trades']]);
            expect(result.datasets.every(d => d.tickCount > 50_000 && d.quarantinedRows === 0)).to.equal(true);
            const again = await seedSampleWorkspace(path.join(seedDir, 'workspace.duckdb'), undefined);
            expect(again.datasets.map(d => d.tickCount)).to.deep.equal(result.datasets.map(d => d.tickCount));
        } finally {
            fs.rmSync(seedDir, { recursive: true, force: true });
        }
    });
});
