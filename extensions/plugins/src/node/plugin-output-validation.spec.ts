import { expect } from 'chai';
import { checkImportedTicks, checkIndicatorValue, checkReportSection } from './plugin-output-validation';
import { PluginContributionRegistryImpl } from './plugin-contribution-registry-impl';

const band = [{ id: 'upper', kind: 'band' }, { id: 'lower', kind: 'band' }] as const;

describe('plugin output validation', () => {
    it('accepts warm-up, a number for one output and an object for several; refuses NaN, Infinity and missing outputs', () => {
        expect(checkIndicatorValue('x', [{ id: 'value', kind: 'line' }], undefined, 0)).to.equal(undefined);
        expect(checkIndicatorValue('x', [{ id: 'value', kind: 'line' }], 1.5, 0)).to.deep.equal([1.5]);
        expect(checkIndicatorValue('x', band, { lower: 1, upper: 2 }, 0)).to.deep.equal([2, 1]);
        expect(() => checkIndicatorValue('x', band, { upper: 2 }, 7)).to.throw("indicator 'x' at bar 7 returned a value of type undefined for output 'lower'");
        expect(() => checkIndicatorValue('x', band, 3, 1)).to.throw("returned 3: expected an object { upper: number, lower: number }");
        expect(() => checkIndicatorValue('x', [{ id: 'value', kind: 'line' }], Infinity, 2)).to.throw('returned Infinity');
        expect(() => checkIndicatorValue('x', band, { upper: NaN, lower: 1 }, 3)).to.throw("returned NaN for output 'upper'");
    });

    it('checks tick columns: shape, lengths, trades or quotes, the rejected list; bad values and order are left to the quarantine', () => {
        const ok = checkImportedTicks('s', { time: [1, 2, 2], bid: [1, 1, 1], ask: new Float64Array([2, 2, 2]) });
        expect(Array.from(ok.time)).to.deep.equal([1, 2, 2]);
        expect(ok.rejected).to.deep.equal([]);
        // Rows out of order and values that are not numbers pass as they are (NaN): the data layer quarantines those rows.
        const bad = checkImportedTicks('s', { time: [2, 1, 3], price: [1, NaN, 'x'], line: [1, 2, 4], rejected: [{ line: 3, reason: 'r', raw: '{' }] });
        expect(Array.from(bad.time)).to.deep.equal([2, 1, 3]);
        expect(Array.from(bad.price!)).to.deep.equal([1, NaN, NaN]);
        expect(Array.from(bad.line!)).to.deep.equal([1, 2, 4]);
        expect(bad.rejected).to.deep.equal([{ line: 3, reason: 'r', raw: '{' }]);
        expect(() => checkImportedTicks('s', { time: [1, 2], price: [1] })).to.throw("returned 1 values in column 'price' but 2 times");
        expect(() => checkImportedTicks('s', { time: [1, 2], price: [1, 2], line: [1] })).to.throw("returned 1 values in column 'line' but 2 times");
        expect(() => checkImportedTicks('s', { time: 'now', price: [1] })).to.throw("returned the string 'now' for column 'time'");
        expect(() => checkImportedTicks('s', [1, 2])).to.throw("returned an array: expected { time");
        expect(() => checkImportedTicks('s', { time: [1], size: [1] })).to.throw("neither a 'price' column");
        expect(() => checkImportedTicks('s', { time: [1], price: [1], bid: [1], ask: [2] })).to.throw("both 'price' and 'bid'/'ask'");
        expect(() => checkImportedTicks('s', { time: [1], price: [1], rejected: [{ line: '3' }] })).to.throw("malformed 'rejected' list");
    });

    it('checks report sections: a title and label/value rows', () => {
        expect(checkReportSection('r', { title: 'T', rows: [{ label: 'a', value: 1 }, { label: 'b', value: 'x' }] }).rows).to.have.length(2);
        expect(() => checkReportSection('r', { rows: [] })).to.throw("report section 'r' returned no title");
        expect(() => checkReportSection('r', { title: 'T', rows: [{ label: 'a', value: NaN }] })).to.throw("row 0 is malformed");
        expect(() => checkReportSection('r', '<table>')).to.throw("returned the string '<table>'");
    });
});

describe('plugin contribution registry', () => {
    it('registers, refuses a duplicate id naming both origins, and removes on dispose', () => {
        const registry = new PluginContributionRegistryImpl();
        let changes = 0;
        registry.onDidChange(() => changes++);
        const descriptor = { kind: 'reportSections' as const, id: 'acme.summary', label: 'Summary', origin: { kind: 'plugin' as const, id: 'acme.one' } };
        const renderer = { render: async () => ({ title: 't', rows: [] }) };
        const registration = registry.registerReportSection(descriptor, renderer);
        expect(() => registry.registerReportSection({ ...descriptor, origin: { kind: 'extension', id: '@acme/ext' } }, renderer))
            .to.throw("reportSections 'acme.summary' of extension @acme/ext is already contributed by plugin acme.one");
        expect(registry.getReportSectionRenderer('acme.summary')).to.equal(renderer);
        registration.dispose();
        expect(registry.getContributions()).to.deep.equal([]);
        expect(changes).to.equal(2);
    });
});
