'use strict';
const { defineIndicator } = require('@backtestr/plugins-sdk');

module.exports = {
    indicators: [defineIndicator({
        id: 'fixtures.infinite-loop',
        label: 'Fixture infinite-loop',
        defaultOptions: {},
        outputs: [{ id: 'value', kind: 'line' }],
        create: () => {
            let n = 0;
            return {
                update(bar) {
                    n++;
                    if (n === 20) { for (;;) { /* never returns */ } } return bar.close;
                }
            };
        }
    })]
};
