'use strict';
const { defineIndicator } = require('@backtestr/plugins-sdk');

module.exports = {
    indicators: [defineIndicator({
        id: 'fixtures.late-throw',
        label: 'Fixture late-throw',
        defaultOptions: {},
        outputs: [{ id: 'value', kind: 'line' }],
        create: () => {
            let n = 0;
            return {
                update(bar) {
                    n++;
                    if (bar.close > 150) { throw new Error('fixture: prices above 150 are not supported'); } return bar.close;
                }
            };
        }
    })]
};
