import * as fs from 'fs';
import * as path from 'path';
import { injectable } from '@theia/core/shared/inversify';
import { ProductInfo, WorkbenchService } from '../common/workbench-protocol';

/** The folder of real market data beside the repository (absent in a user's own clone). */
export function sharedDataDir(): string {
    return process.env.BACKTESTR_DATA_DIR ?? path.resolve(__dirname, '../../../../../shared/data');
}

@injectable()
export class WorkbenchServiceImpl implements WorkbenchService {
    async getProductInfo(): Promise<ProductInfo> {
        const pkg: { version: string } = require('../../package.json');
        return {
            name: 'BackTestr',
            version: pkg.version,
            sampleDataSource: fs.existsSync(path.join(sharedDataDir(), 'spy-trades-2013-10')) ? 'real' : 'synthetic'
        };
    }
}
