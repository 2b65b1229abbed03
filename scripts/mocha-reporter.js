// @ts-check
// Mocha's spec reporter plus the closing line every BackTestr test runner prints:
// "N passed, N failed" (scripts/test-all.js adds these lines up over all suites).
'use strict';
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class BacktestrReporter extends Spec {
    /** @param {Mocha.Runner} runner @param {Mocha.MochaOptions} options */
    constructor(runner, options) {
        super(runner, options);
        runner.once(EVENT_RUN_END, () => {
            const stats = runner.stats ?? { passes: 0, failures: 0 };
            // Printed after the spec summary, so it is the last line of the run.
            process.stdout.write(`\n${stats.passes} passed, ${stats.failures} failed\n`);
        });
    }
}
module.exports = BacktestrReporter;
