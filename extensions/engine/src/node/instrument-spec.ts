import * as fs from 'fs';
import * as path from 'path';
import type { ExecutionOptions } from '@backtestr/engine-core';

/** Tick size, lot size, contract multiplier and quote currency of one instrument. */
export interface InstrumentSpec {
    readonly market: string;
    /** The symbol asked for (the database row may be the market's `[*]` wildcard). */
    readonly symbol: string;
    readonly securityType: string;
    readonly description: string;
    readonly quoteCurrency: string;
    readonly multiplier: number;
    /** Minimum price variation. */
    readonly tickSize: number;
    readonly lotSize: number;
    readonly minimumOrderSize?: number;
    readonly marketTicker?: string;
    /** Whether the row was the market's wildcard `[*]` rather than the symbol's own. */
    readonly wildcard: boolean;
}

/** The shared data folder's symbol properties (Lean's `symbol-properties-database.csv`), read at run time. */
export function defaultSymbolPropertiesFile(): string {
    const data = process.env.BACKTESTR_DATA ?? path.resolve(__dirname, '../../../../../shared/data');
    return path.join(data, 'calendars', 'symbol-properties-database.csv');
}

interface Row {
    market: string; symbol: string; type: string; description: string; quote: string;
    multiplier: number; tick: number; lot: number; ticker: string; minimum: number;
}

/** Splits one CSV line (fields may be double-quoted, with "" as an escaped quote). */
function fields(line: string): string[] {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quoted) {
            if (c === '"' && line[i + 1] === '"') {
                cur += '"';
                i++;
            } else if (c === '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c === '"') {
            quoted = true;
        } else if (c === ',') {
            out.push(cur);
            cur = '';
        } else {
            cur += c;
        }
    }
    out.push(cur);
    return out;
}

/** The symbol properties database: looks up the spec of a symbol in a market. */
export class SymbolPropertiesDatabase {
    protected readonly rows = new Map<string, Row>();

    static load(file = defaultSymbolPropertiesFile()): SymbolPropertiesDatabase {
        return new SymbolPropertiesDatabase(fs.readFileSync(file, 'utf8'));
    }

    constructor(csv: string) {
        for (const raw of csv.split(/\r?\n/)) {
            const line = raw.trim();
            if (!line || line.startsWith('#') || line.startsWith('market,')) {
                continue;
            }
            const f = fields(line);
            if (f.length < 8) {
                continue;
            }
            const row: Row = {
                market: f[0].toLowerCase(), symbol: f[1].toUpperCase(), type: f[2].toLowerCase(), description: f[3],
                quote: f[4], multiplier: Number(f[5]), tick: Number(f[6]), lot: Number(f[7]), ticker: f[8] ?? '',
                minimum: f[9] ? Number(f[9]) : NaN,
            };
            const key = `${row.market}|${row.symbol}|${row.type}`;
            if (!this.rows.has(key)) {
                this.rows.set(key, row);
            }
        }
    }

    /**
     * The spec of `symbol` in `market` (e.g. 'usa', 'oanda'), of `securityType` if given
     * (e.g. 'equity', 'forex'); falls back to the market's `[*]` row of that type.
     * Undefined when the database has neither.
     */
    spec(symbol: string, market: string, securityType?: string): InstrumentSpec | undefined {
        const m = market.toLowerCase();
        const s = symbol.toUpperCase();
        const t = securityType?.toLowerCase();
        const find = (sym: string): Row | undefined => {
            if (t !== undefined) {
                return this.rows.get(`${m}|${sym}|${t}`);
            }
            for (const r of this.rows.values()) {
                if (r.market === m && r.symbol === sym) {
                    return r;
                }
            }
            return undefined;
        };
        const own = find(s);
        const row = own ?? find('[*]');
        if (!row) {
            return undefined;
        }
        return {
            market: row.market, symbol: s, securityType: row.type, description: row.description, quoteCurrency: row.quote,
            multiplier: row.multiplier, tickSize: row.tick, lotSize: row.lot,
            minimumOrderSize: Number.isFinite(row.minimum) ? row.minimum : undefined,
            marketTicker: row.ticker || undefined, wildcard: own === undefined,
        };
    }
}

/** The execution options an instrument spec fixes (tick size, lot size, multiplier). */
export function executionOptionsFor(spec: InstrumentSpec): Pick<ExecutionOptions, 'tickSize' | 'lotSize' | 'multiplier'> {
    return { tickSize: spec.tickSize, lotSize: spec.lotSize, multiplier: spec.multiplier };
}
