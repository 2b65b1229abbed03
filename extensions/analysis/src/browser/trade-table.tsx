import * as React from '@theia/core/shared/react';
import { formatStatistic, formatTime } from '../common/report/report-format';
import { RunTradeColumns } from '../common/run-store';

export type TradeSortKey = 'trade' | 'side' | 'entryTime' | 'exitTime' | 'qty' | 'entryPrice' | 'exitPrice' | 'pnl' | 'mae' | 'mfe' | 'barsHeld';
export type TradeSideFilter = 'all' | 'long' | 'short' | 'winners' | 'losers';

export interface TradeTableProps {
    readonly trades: RunTradeColumns;
    /** Undefined when no replay is available (the command is not registered). */
    readonly onOpenInReplay?: (trade: number) => void;
    readonly pageSize?: number;
    /** Decimals of a price (from the instrument's tick size). */
    readonly priceDigits?: number;
}

interface TradeTableState {
    sortKey: TradeSortKey;
    descending: boolean;
    side: TradeSideFilter;
    from: string;
    shown: number;
}

const COLUMNS: readonly { key: TradeSortKey; label: string }[] = [
    { key: 'trade', label: '#' }, { key: 'side', label: 'Side' }, { key: 'entryTime', label: 'Entry (UTC)' }, { key: 'exitTime', label: 'Exit (UTC)' },
    { key: 'qty', label: 'Qty' }, { key: 'entryPrice', label: 'Entry price' }, { key: 'exitPrice', label: 'Exit price' }, { key: 'pnl', label: 'P&L' },
    { key: 'mae', label: 'MAE' }, { key: 'mfe', label: 'MFE' }, { key: 'barsHeld', label: 'Bars' }
];

/** Row order of the trades for a sort key, direction and filters (indices into the columns). */
export function tradeRowOrder(trades: RunTradeColumns, sortKey: TradeSortKey, descending: boolean, side: TradeSideFilter, fromDay: string): Int32Array {
    const n = trades.pnl.length;
    const fromTime = /^\d{4}-\d{2}-\d{2}$/.test(fromDay) ? Date.parse(`${fromDay}T00:00:00Z`) * 1000 : -Infinity;
    const rows: number[] = [];
    for (let i = 0; i < n; i++) {
        const keep = (side === 'all' || (side === 'long' && trades.side[i] === 1) || (side === 'short' && trades.side[i] === -1)
            || (side === 'winners' && trades.pnl[i] > 0) || (side === 'losers' && trades.pnl[i] < 0)) && trades.entryTime[i] >= fromTime;
        if (keep) {
            rows.push(i);
        }
    }
    const column = sortKey === 'trade' ? undefined : trades[sortKey];
    const sign = descending ? -1 : 1;
    rows.sort((a, b) => sign * ((column ? column[a] - column[b] : a - b) || a - b));
    return Int32Array.from(rows);
}

export class TradeTable extends React.Component<TradeTableProps, TradeTableState> {
    override state: TradeTableState = { sortKey: 'trade', descending: false, side: 'all', from: '', shown: this.props.pageSize ?? 100 };

    protected sortBy(key: TradeSortKey): void {
        this.setState(s => ({ sortKey: key, descending: s.sortKey === key ? !s.descending : key === 'pnl' || key === 'mfe' }));
    }

    override render(): React.ReactNode {
        const { trades, onOpenInReplay } = this.props;
        const digits = this.props.priceDigits ?? 5;
        const { sortKey, descending, side, from, shown } = this.state;
        const order = tradeRowOrder(trades, sortKey, descending, side, from);
        const rows: React.ReactNode[] = [];
        for (let r = 0; r < Math.min(shown, order.length); r++) {
            const i = order[r];
            const pnl = trades.pnl[i];
            rows.push(<tr key={i} data-trade={i + 1}>
                <td>{i + 1}</td><td>{trades.side[i] === 1 ? 'long' : 'short'}</td>
                <td>{formatTime(trades.entryTime[i])}</td><td>{formatTime(trades.exitTime[i])}</td>
                <td>{trades.qty[i]}</td><td>{trades.entryPrice[i].toFixed(digits)}</td><td>{trades.exitPrice[i].toFixed(digits)}</td>
                <td className={pnl >= 0 ? 'bt-gain' : 'bt-loss'} data-column='pnl'>{formatStatistic(pnl, 'money')}</td>
                <td>{formatStatistic(trades.mae[i], 'money')}</td><td>{formatStatistic(trades.mfe[i], 'money')}</td><td>{trades.barsHeld[i]}</td>
                <td><button className='theia-button secondary bt-small' disabled={!onOpenInReplay} data-testid='open-in-replay'
                    title={onOpenInReplay ? 'Open this trade in walkback replay' : 'Replay is not available (the charts extension is not installed)'}
                    onClick={() => onOpenInReplay?.(i)}>Replay</button></td>
            </tr>);
        }
        return <div className='bt-trades' data-testid='trade-table'>
            <div className='bt-toolbar'>
                <select className='theia-select' value={side} data-testid='trade-filter'
                    onChange={e => this.setState({ side: e.currentTarget.value as TradeSideFilter })}>
                    <option value='all'>All trades</option><option value='long'>Long</option><option value='short'>Short</option>
                    <option value='winners'>Winners</option><option value='losers'>Losers</option>
                </select>
                <input className='theia-input' placeholder='entered from YYYY-MM-DD' value={from} data-testid='trade-from'
                    onChange={e => this.setState({ from: e.currentTarget.value })} />
                <span className='backtestr-muted' data-testid='trade-count'>{order.length.toLocaleString('en-US')} of {trades.pnl.length.toLocaleString('en-US')} trades</span>
            </div>
            <table className='backtestr-table bt-trade-table'>
                <thead><tr>{COLUMNS.map(c => <th key={c.key} data-sort={c.key} className='bt-sortable' onClick={() => this.sortBy(c.key)}
                    aria-sort={sortKey === c.key ? (descending ? 'descending' : 'ascending') : 'none'}>
                    {c.label}{sortKey === c.key ? (descending ? ' ▼' : ' ▲') : ''}</th>)}<th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {order.length > shown && <button className='theia-button secondary' onClick={() => this.setState({ shown: shown * 2 })}>
                Show more ({(order.length - shown).toLocaleString('en-US')} hidden)</button>}
        </div>;
    }
}
