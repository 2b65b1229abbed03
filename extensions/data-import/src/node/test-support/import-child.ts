// A child process of the import-limits tests (see zip-bombs importInChild): imports the paths of its argument into a
// database of its own and answers with the error, the rows and its peak resident memory.

import * as fs from 'fs';
import { CsvFormatOptions } from '../../common/dataset-protocol';
import { DataImporter } from '../data-importer';
import { tempDatabase, tempDir } from './test-files';

async function main(): Promise<void> {
    const { paths, csv } = JSON.parse(process.argv[2]) as { paths: string[]; csv: CsvFormatOptions };
    const dir = tempDir('backtestr-import-child-');
    const db = await tempDatabase(dir);
    let answer: { error?: { code?: number; message: string }; rows?: number };
    try {
        const result = await new DataImporter(db).import({ paths, csv, instrument: { symbol: 'EURUSD', venue: 'oanda', tickSize: 0.00001 }, computeDerived: false });
        answer = { rows: result.rows };
    } catch (error) {
        answer = { error: { code: (error as { code?: number }).code, message: (error as Error).message } };
    } finally {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
    process.send!({ ...answer, maxRssBytes: process.resourceUsage().maxRSS * 1024 }, () => process.exit(0));
}

main().catch(error => {
    process.send!({ error: { message: String((error as Error)?.stack ?? error) }, maxRssBytes: process.resourceUsage().maxRSS * 1024 }, () => process.exit(1));
});
