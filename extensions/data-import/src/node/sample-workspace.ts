// *****************************************************************************
// Seeds the sample workspace: imports the real SPY trades, EURUSD quotes and HistData bars from
// the shared data folder when it is present, else synthetic SPY and EURUSD ticks of the built-in
// generator. Idempotent: files imported before are skipped.
// *****************************************************************************

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatasetSummary } from '../common/dataset-protocol';
import { encodeBinaryTicks } from './binary-tick-format';
import { DataImporter } from './data-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { generateEquityTrades, generateForexQuotes } from './synthetic-ticks';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

/** `BACKTESTR_DATA_DIR`, else the first `shared/data` folder found walking up from here and from the current directory. */
export function defaultDataDir(): string | undefined {
    if (process.env.BACKTESTR_DATA_DIR) {
        return process.env.BACKTESTR_DATA_DIR;
    }
    for (const startDir of [__dirname, process.cwd()]) {
        let dir = startDir;
        for (let i = 0; i < 8; i++) {
            for (const candidate of [path.join(dir, 'shared', 'data'), path.join(dir, '..', 'shared', 'data')]) {
                if (fs.existsSync(path.join(candidate, 'README.md'))) {
                    return path.resolve(candidate);
                }
            }
            dir = path.dirname(dir);
        }
    }
    return undefined;
}

export interface SeedResult {
    readonly source: 'real' | 'synthetic';
    readonly datasets: DatasetSummary[];
    readonly log: string[];
}

/**
 * Imports the sample data into the database at `dbPath`: the real files under `dataDir` (pass
 * `defaultDataDir()`), or, when `dataDir` is undefined or lacks them, synthetic ticks.
 */
export async function seedSampleWorkspace(dbPath: string, dataDir: string | undefined): Promise<SeedResult> {
    const db = await WorkspaceDatabase.open(dbPath);
    const log: string[] = [];
    try {
        const importer = new DataImporter(db, InstrumentCatalog.fromDataDir(dataDir));
        const real = ['spy-trades-2013-10', 'eurusd-quotes-2014-05', 'eurusd-m1-2017h1']
            .map(name => dataDir ? path.join(dataDir, name) : '')
            .filter(p => p && fs.existsSync(p));
        if (real.length > 0) {
            for (const folder of real) {
                const result = await importer.import({ paths: [folder] });
                log.push(`${path.basename(folder)}: ${result.rows} rows, ${result.quarantined} quarantined${result.warnings.length ? ` (${result.files.filter(f => f.note).length} files already imported)` : ''}`);
            }
            await db.checkpoint();
            return { source: 'real', datasets: await importer.repo.listDatasets(), log };
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-sample-'));
        try {
            const spySpec = importer.catalog.lookup('SPY', 'usa')!;
            const eurSpec = importer.catalog.lookup('EURUSD', 'oanda')!;
            const spy = generateEquityTrades({ start: '2013-10-07', days: 5, seed: 7, peakRate: 8, startPrice: 167.4, tickSize: spySpec.tickSize });
            const eur = generateForexQuotes({ start: '2014-05-04', days: 6, seed: 11, peakRate: 1.5, startPrice: 1.3868, tickSize: eurSpec.tickSize });
            const spyFile = path.join(dir, 'spy-synthetic.btb');
            const eurFile = path.join(dir, 'eurusd-synthetic.btb');
            fs.writeFileSync(spyFile, encodeBinaryTicks(spySpec, 'trades', spy));
            fs.writeFileSync(eurFile, encodeBinaryTicks(eurSpec, 'quotes', eur));
            for (const [file, spec] of [[spyFile, spySpec], [eurFile, eurSpec]] as const) {
                const result = await importer.import({ paths: [file], instrument: { ...spec } });
                log.push(`${path.basename(file)}: ${result.rows} synthetic rows`);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        await db.checkpoint();
        return { source: 'synthetic', datasets: await importer.repo.listDatasets(), log };
    } finally {
        db.close();
    }
}
