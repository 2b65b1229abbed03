import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { enabledIndicatorsLoaderPath } from './index';

describe('enabledIndicatorsLoaderPath', () => {
    it('is the compiled load-enabled-indicators module beside it, which a worker can require', () => {
        const loader = enabledIndicatorsLoaderPath();
        expect(path.isAbsolute(loader)).to.equal(true);
        expect(fs.existsSync(loader)).to.equal(true);
        expect(path.basename(loader)).to.equal('load-enabled-indicators.js');
        const loaded = require(loader) as { loadEnabledIndicators?: unknown };
        expect(loaded.loadEnabledIndicators).to.be.a('function');
    });
});
