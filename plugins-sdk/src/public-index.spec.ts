// The SDK's boundary: the public index holds what authors write against, '@backtestr/plugins-sdk/host'
// what only BackTestr uses (the same objects, from one copy of the SDK).
import { expect } from 'chai';
import * as sdk from './index';
import * as host from './host';

declare const require: (id: string) => unknown;

const HOST_ONLY = ['TICK_COLUMNS', 'isStrategyDefinition', 'resolveParams', 'strategyTimeframes', 'MtfState'];

describe('the SDK public index and its host entry', () => {
    it('exports nothing of the host from the public index', () => {
        expect(Object.keys(sdk).filter(name => HOST_ONLY.includes(name))).to.deep.equal([]);
    });

    it('exports what authors write against from the public index', () => {
        expect(Object.keys(sdk)).to.include.members(['defineStrategy', 'defineIndicator', 'defineDataSource',
            'defineReportSection', 'DEFAULT_TIMEFRAMES', 'parseTimeframe', 'CORE_INDICATORS', 'SmaCalculation']);
    });

    it('exports exactly the host internals from the host entry', () => {
        expect(Object.keys(host).sort()).to.deep.equal([...HOST_ONLY].sort());
    });

    it('resolves @backtestr/plugins-sdk/host by package name to the same module', () => {
        expect(require('@backtestr/plugins-sdk/host')).to.equal(host);
        expect(require('@backtestr/plugins-sdk')).to.equal(sdk);
    });
});
