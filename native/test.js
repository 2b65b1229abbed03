// @ts-check
// Runs the Rust unit tests (`cargo test --release`) and prints the repo-wide closing
// line `N passed, N failed` as the last line.
'use strict';
const { spawnSync } = require('child_process');

const result = spawnSync('cargo', ['test', '--release'], { cwd: __dirname, encoding: 'utf8' });
process.stdout.write(result.stdout ?? '');
process.stderr.write(result.stderr ?? '');
let passed = 0;
let failed = 0;
for (const m of (result.stdout ?? '').matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
}
if (result.error || result.status !== 0) {
    if (result.error) {
        console.error(`native: could not run cargo (${result.error.message})`);
    }
    failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
