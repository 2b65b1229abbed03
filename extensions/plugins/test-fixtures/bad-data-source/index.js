'use strict';
// Reads `.badticks` files. It fails on purpose, as the file's name says:
//   throws-*.badticks    throws an Error
//   lengths-*.badticks   returns a price column shorter than the time column
//   shape-*.badticks     returns a string instead of columns
//   columns-*.badticks   returns a number where the price column should be
// Any other name: two good trades.

module.exports = {
    dataSources: [{
        id: 'fixtures.bad-ticks',
        label: 'Bad ticks',
        fileExtensions: ['.badticks'],
        importFile(file) {
            const t0 = Date.UTC(2014, 4, 5) * 1000;
            if (file.name.startsWith('throws-')) {
                throw new Error('cannot read this file: the vendor header is missing');
            }
            if (file.name.startsWith('lengths-')) {
                return { time: [t0, t0 + 1, t0 + 2], price: [1.5, 1.6], rejected: [] };
            }
            if (file.name.startsWith('shape-')) {
                return 'ticks';
            }
            if (file.name.startsWith('columns-')) {
                return { time: [t0], price: 1.5, rejected: [] };
            }
            return { time: [t0, t0 + 1], price: [1.5, 1.6], rejected: [] };
        }
    }]
};
