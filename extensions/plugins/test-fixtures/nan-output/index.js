'use strict';
const { defineIndicator } = require('@backtestr/plugins-sdk');

module.exports = {
    indicators: [defineIndicator({
        id: 'fixtures.nan-output',
        label: 'Fixture nan-output',
        defaultOptions: {},
        outputs: [{ id: 'value', kind: 'line' }],
        create: () => {
            let n = 0;
            return {
                update(bar) {
                    n++;
                    return n > 5 ? bar.close / 0 - Infinity : undefined;
                }
            };
        }
    })]
};
