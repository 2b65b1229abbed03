import { expect } from 'chai';
import { TEST_HOOK_QUERY, testHooksRequested } from './test-hook-flag';

describe('testHooksRequested', () => {
    it('is true for a query string that has the flag, with or without a value, among other parameters or alone', () => {
        for (const search of [`?${TEST_HOOK_QUERY}`, `?${TEST_HOOK_QUERY}=1`, `${TEST_HOOK_QUERY}=1`, `?a=1&${TEST_HOOK_QUERY}=1&b=2`]) {
            expect(testHooksRequested(search), search).to.equal(true);
        }
    });

    it('is false for a page opened without the flag: no query, other parameters, names that only contain it', () => {
        for (const search of ['', '?', '?a=1', `?${TEST_HOOK_QUERY}x=1`, `?x${TEST_HOOK_QUERY}=1`, `#${TEST_HOOK_QUERY}`]) {
            expect(testHooksRequested(search), search).to.equal(false);
        }
    });
});
