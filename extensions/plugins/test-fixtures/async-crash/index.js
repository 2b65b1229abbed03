'use strict';
const { defineIndicator } = require('@backtestr/plugins-sdk');

module.exports = {
    indicators: [defineIndicator({
        id: 'fixtures.async-crash',
        label: 'Fixture async-crash',
        defaultOptions: {},
        outputs: [{ id: 'value', kind: 'line' }],
        create: () => {
            let n = 0;
            return {
                update(bar) {
                    n++;
                    return bar.close;
                }
            };
        }
    })]
};

// Some time after it was loaded and checked, an error escapes from a timer of the plugin.
setTimeout(() => { throw new Error('fixture: crash from a timer'); }, 300);
