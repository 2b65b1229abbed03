'use strict';
const { defineIndicator } = require('@backtestr/plugins-sdk');

module.exports = {
    indicators: [defineIndicator({
        id: 'fixtures.wrong-shape',
        label: 'Fixture wrong-shape',
        defaultOptions: {},
        outputs: [{ id: 'value', kind: 'line' }],
        create: () => {
            let n = 0;
            return {
                update(bar) {
                    n++;
                    return n > 5 ? 'high' : undefined;
                }
            };
        }
    })]
};
