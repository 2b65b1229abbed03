// @ts-check
'use strict';
/** BackTestr's own ESLint rules, used by eslint.config.mjs as the `backtestr` plugin. */
module.exports = {
    meta: { name: 'eslint-plugin-backtestr' },
    rules: {
        'runtime-folders': require('./runtime-folders')
    }
};
