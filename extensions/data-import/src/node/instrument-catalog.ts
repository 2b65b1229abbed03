// *****************************************************************************
// Instrument specifications: Lean's symbol-properties-database.csv when it is at hand
// (`../shared/data/calendars`), then the subset of it that ships with the product
// (shipped-instrument-specs.ts: FX, metals and indices of OANDA and FXCM, CME futures, the US
// equity default), so common symbols are known on any machine; and built-in specs of the sample's.
// Sessions use a compact form read by the quality report: `HH:MM-HH:MM` in the instrument's
// time zone, Monday to Friday; when open >= close the session wraps midnight and the trading
// day runs from the previous evening (forex `17:00-17:00`, Sunday evening to Friday 17:00).
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import { InstrumentSpec } from '../common/dataset-protocol';
import { SHIPPED_SYMBOL_PROPERTIES } from './shipped-instrument-specs';

/** Sessions by Lean market type: equities trade 04:00-20:00 New York with pre- and post-market. */
const SESSIONS: Record<string, { timeZone: string; session: string }> = {
    equity: { timeZone: 'America/New_York', session: '04:00-20:00' },
    forex: { timeZone: 'America/New_York', session: '17:00-17:00' },
    cfd: { timeZone: 'America/New_York', session: '17:00-17:00' },
    future: { timeZone: 'America/Chicago', session: '17:00-16:00' },
    crypto: { timeZone: 'UTC', session: '24h' }
};

const BUILT_IN: readonly InstrumentSpec[] = [
    {
        symbol: 'SPY', venue: 'usa', assetClass: 'equity', description: 'SPDR S&P 500 ETF Trust',
        tickSize: 0.01, lotSize: 1, multiplier: 1, currency: 'USD', ...SESSIONS.equity
    },
    {
        symbol: 'EURUSD', venue: 'oanda', assetClass: 'forex', description: 'EUR/USD',
        tickSize: 0.00001, lotSize: 1, multiplier: 1, currency: 'USD', ...SESSIONS.forex
    },
    {
        symbol: 'EURUSD', venue: 'histdata', assetClass: 'forex', description: 'EUR/USD (HistData.com bid bars)',
        tickSize: 0.00001, lotSize: 1, multiplier: 1, currency: 'USD', ...SESSIONS.forex
    }
];

export class InstrumentCatalog {
    protected readonly rows: { market: string; symbol: string; type: string; spec: InstrumentSpec }[] = [];

    /** @param propertiesCsv path of Lean's symbol-properties-database.csv, if available. */
    constructor(propertiesCsv?: string) {
        if (propertiesCsv && fs.existsSync(propertiesCsv)) {
            this.load(fs.readFileSync(propertiesCsv, 'utf8'));
        }
        // After the file's rows: a newer database at hand wins.
        for (const row of SHIPPED_SYMBOL_PROPERTIES) {
            this.add(row);
        }
    }

    /** A catalog reading `<dataDir>/calendars/symbol-properties-database.csv` when it exists. */
    static fromDataDir(dataDir?: string): InstrumentCatalog {
        return new InstrumentCatalog(dataDir ? path.join(dataDir, 'calendars', 'symbol-properties-database.csv') : undefined);
    }

    protected load(text: string): void {
        for (const line of text.split(/\r?\n/)) {
            if (!line || line.startsWith('#') || line.startsWith('market,')) {
                continue;
            }
            this.add(line.split(','));
        }
    }

    /** One row: market, symbol, type, description, quote currency, multiplier, tick size, lot size (Lean's columns). */
    protected add(f: readonly string[]): void {
        if (f.length < 8) {
            return;
        }
        const [market, symbol, type, description, currency, multiplier, tick, lot] = f;
        const tickSize = Number(tick), lotSize = Number(lot), mult = Number(multiplier);
        if (!(tickSize > 0)) {
            return;
        }
        const session = SESSIONS[type] ?? { timeZone: 'UTC', session: '24h' };
        this.rows.push({
            market, symbol: symbol.toUpperCase(), type,
            spec: {
                symbol: symbol.toUpperCase(), venue: market, assetClass: type, description: description || undefined,
                tickSize, lotSize: lotSize > 0 ? lotSize : 1, multiplier: mult > 0 ? mult : 1, currency: currency || 'USD',
                ...session
            }
        });
    }

    /**
     * The spec of a symbol: an exact (market, symbol) row, else the market's `[*]` row for the asset
     * class, else a built-in spec, else any market's row for the symbol.
     */
    lookup(symbol: string, venue?: string, assetClass?: string): InstrumentSpec | undefined {
        const s = symbol.toUpperCase();
        const exact = this.rows.find(r => r.symbol === s && (!venue || r.market === venue) && (!assetClass || r.type === assetClass));
        if (exact) {
            return exact.spec;
        }
        const builtIn = BUILT_IN.find(b => b.symbol === s && (!venue || b.venue === venue));
        if (builtIn) {
            return builtIn;
        }
        if (venue) {
            // The market's default for the asset class; without one, its equities' (`usa`: any US stock).
            const wildcard = this.rows.find(r => r.symbol === '[*]' && r.market === venue && r.type === (assetClass ?? 'equity'));
            if (wildcard) {
                return { ...wildcard.spec, symbol: s, description: undefined };
            }
        }
        const other = this.rows.find(r => r.symbol === s && (!assetClass || r.type === assetClass));
        return other ? { ...other.spec, venue: venue ?? other.spec.venue } : undefined;
    }
}
