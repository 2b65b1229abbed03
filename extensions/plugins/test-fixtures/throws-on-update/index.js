'use strict';
const { defineIndicator } = require('@backtestr/plugins-sdk');

module.exports = {
    indicators: [defineIndicator({
        id: 'fixtures.throws-on-update',
        label: 'Fixture throws-on-update',
        defaultOptions: {},
        outputs: [{ id: 'value', kind: 'line' }],
        create: () => {
            let n = 0;
            return {
                update(bar) {
                    n++;
                    if (n === 50) { throw new Error('fixture: update failed at bar 50'); } return bar.close;
                }
            };
        }
    })]
};
