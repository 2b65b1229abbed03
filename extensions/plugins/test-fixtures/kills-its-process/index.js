'use strict';
// Ends the process it runs in. kill.json beside this file says how and when (the spec copies the
// fixture under another id and writes it):
//   how:  exit (process.exit(7)), sigkill (SIGKILL to itself), abort (process.abort()),
//         uncaught (an error thrown outside any call), oom (allocates until the heap is full),
//         block (blocks its thread for `ms`, e.g. so that a test can kill the process enabling it)
//   when: load (while the module loads), call (in its first update(bar)), timer (200 ms after loading)
const fs = require('fs');
const path = require('path');
const { defineIndicator } = require('@backtestr/plugins-sdk');

const { how, when, ms } = JSON.parse(fs.readFileSync(path.join(__dirname, 'kill.json'), 'utf8'));
const id = JSON.parse(fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8')).backtestr.contributes.indicators[0];

function die() {
    switch (how) {
        case 'exit':
            process.exit(7);
            break;
        case 'sigkill':
            process.kill(process.pid, 'SIGKILL');
            break;
        case 'abort':
            process.abort();
            break;
        case 'uncaught':
            process.nextTick(() => { throw new Error(`fixture: uncaught error (${when})`); });
            break;
        case 'oom': {
            const hog = [];
            for (;;) {
                hog.push(new Array(1 << 20).fill(hog.length + 0.5));
            }
        }
        case 'block':
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms ?? 5000);
            break;
        default:
            throw new Error(`fixture: unknown "how" in kill.json: ${how}`);
    }
}

if (when === 'load') {
    die();
} else if (when === 'timer') {
    setTimeout(die, 200);
}

module.exports = {
    indicators: [defineIndicator({
        id,
        label: `Fixture kills its process (${how}, ${when})`,
        defaultOptions: {},
        outputs: [{ id: 'value', kind: 'line' }],
        create: () => ({
            update(bar) {
                if (when === 'call') {
                    die();
                }
                return bar.close;
            }
        })
    })]
};
