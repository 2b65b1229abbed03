import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { sharedDataDir, WorkbenchServiceImpl } from './workbench-service-impl';

describe('WorkbenchServiceImpl', () => {
    const saved = process.env.BACKTESTR_DATA_DIR;
    afterEach(() => {
        if (saved === undefined) {
            delete process.env.BACKTESTR_DATA_DIR;
        } else {
            process.env.BACKTESTR_DATA_DIR = saved;
        }
    });

    it('finds the shared real data folder beside the repository', () => {
        delete process.env.BACKTESTR_DATA_DIR;
        const dir = sharedDataDir();
        expect(path.basename(dir)).to.equal('data');
        expect(path.basename(path.dirname(dir))).to.equal('shared');
    });

    it('reports real sample data when the SPY trades are there, synthetic otherwise', async () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-nodata-'));
        process.env.BACKTESTR_DATA_DIR = empty;
        expect((await new WorkbenchServiceImpl().getProductInfo()).sampleDataSource).to.equal('synthetic');
        fs.mkdirSync(path.join(empty, 'spy-trades-2013-10'));
        const info = await new WorkbenchServiceImpl().getProductInfo();
        expect(info.sampleDataSource).to.equal('real');
        expect(info.name).to.equal('BackTestr');
        expect(info.version).to.match(/^\d+\.\d+\.\d+/);
    });
});
