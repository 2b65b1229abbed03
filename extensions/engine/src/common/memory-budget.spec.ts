import { expect } from 'chai';
import { parseMemoryBudget } from './memory-budget';

describe('memory budget: the preference and --memory-budget', () => {
    it('reads MiB numbers and sizes with K/M/G/T units (with or without iB/B), any case and spacing', () => {
        const cases: [string, number][] = [['2G', 2048], ['512', 512], ['512M', 512], ['512MiB', 512], ['1.5GiB', 1536], ['2 g', 2048], ['2GB', 2048],
            ['1T', 1024 * 1024], ['2048k', 2], [' 256 ', 256]];
        expect(cases.map(([t]) => parseMemoryBudget(t))).to.deep.equal(cases.map(([, n]) => n));
    });

    it('refuses what is not a positive size', () => {
        for (const t of ['', 'x', '0', '-1', '2X', '512B', 'G', '1e3']) {
            expect(parseMemoryBudget(t), t).to.equal(undefined);
        }
    });
});
