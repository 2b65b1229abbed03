'use strict';
const { defineIndicator } = require('@backtestr/plugins-sdk');

module.exports = {
    indicators: [defineIndicator({
        id: 'fixtures.exits-process',
        label: 'Fixture exits-process',
        defaultOptions: {},
        outputs: [{ id: 'value', kind: 'line' }],
        create: () => {
            let n = 0;
            return {
                update(bar) {
                    n++;
                    if (n === 10) { process.exit(3); } return bar.close;
                }
            };
        }
    })]
};
