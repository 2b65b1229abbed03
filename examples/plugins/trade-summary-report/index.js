// @ts-check
// The engine module of the plugin: one report section. render(input) gets a finished run's
// trades (and equity) as plain data and returns plain data: a title and label/value rows.
'use strict';

/** @param {number} x */
const money = x => x.toFixed(2);

const tradeSummary = {
    id: 'examples.trade-summary',
    label: 'Trade summary',
    /** @param {{ trades: { pnl: number, side: 'long' | 'short' }[] }} input */
    render(input) {
        const trades = input.trades;
        const wins = trades.filter(t => t.pnl > 0);
        const losses = trades.filter(t => t.pnl < 0);
        const sum = (/** @type {{ pnl: number }[]} */ list) => list.reduce((s, t) => s + t.pnl, 0);
        let streak = 0;
        let longestLosing = 0;
        for (const t of trades) {
            streak = t.pnl < 0 ? streak + 1 : 0;
            longestLosing = Math.max(longestLosing, streak);
        }
        const averageWin = wins.length ? sum(wins) / wins.length : 0;
        const averageLoss = losses.length ? -sum(losses) / losses.length : 0;
        return {
            title: 'Trade summary',
            rows: [
                { label: 'Trades', value: trades.length },
                { label: 'Long / short', value: `${trades.filter(t => t.side === 'long').length} / ${trades.filter(t => t.side === 'short').length}` },
                { label: 'Win rate', value: trades.length ? `${(100 * wins.length / trades.length).toFixed(1)}%` : 'n/a' },
                { label: 'Net P&L', value: money(sum(trades)) },
                { label: 'Average win', value: money(averageWin) },
                { label: 'Average loss', value: money(averageLoss) },
                { label: 'Payoff ratio', value: averageLoss > 0 ? (averageWin / averageLoss).toFixed(2) : 'n/a' },
                { label: 'Longest losing streak', value: longestLosing }
            ]
        };
    }
};

module.exports = { reportSections: [tradeSummary] };
