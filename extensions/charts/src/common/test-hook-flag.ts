// *****************************************************************************
// The page query flag that asks the chart view for its test hook (`window.__backtestrCharts`):
// the e2e tests and the bench scripts open the workbench with it (tests/e2e/workbench.js); a
// user's page never has it, so production pages carry no test machinery.
// *****************************************************************************

/** Query parameter of the workbench URL that installs the test hooks. */
export const TEST_HOOK_QUERY = 'backtestrTestHooks';

/** Whether a page's query string (`location.search`, with or without `?`) asks for the test hooks. */
export function testHooksRequested(search: string): boolean {
    return new URLSearchParams(search).has(TEST_HOOK_QUERY);
}
