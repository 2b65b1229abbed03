// Reads TA-Lib's own regression-test data from the installed `talib` npm package at test time (never copied
// into this repository): the 252-bar reference series of ta_regtest/test_data.c and the expected values of
// the ta_regtest/ta_test_func/test_*.c tables, parsed from their C array and struct literals.
import { fs, packageFile } from './node-files';

export const REGTEST_DIR = 'src/lib/src/tools/ta_regtest';

export interface ReferenceSeries {
    readonly open: number[];
    readonly high: number[];
    readonly low: number[];
    readonly close: number[];
    readonly volume: number[];
}

/** A value of a table cell: a number (with how many decimals its literal was written with) or an enum name. */
export interface Cell {
    readonly value: number | string;
    readonly decimals: number;
}
export type Row = Record<string, Cell>;

export function readRegtestSource(file: string): string {
    const full = packageFile('talib', `${REGTEST_DIR}/${file}`);
    if (!fs.existsSync(full)) {
        throw new Error(`TA-Lib test file ${full} is missing: install the devDependency (npm install --workspace @backtestr/plugins-sdk).`);
    }
    return preprocess(fs.readFileSync(full, 'utf8'));
}

/** Comments removed, `#if 0` blocks dropped, other preprocessor lines removed (their contents kept). */
export function preprocess(source: string): string {
    const text = source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
    const out: string[] = [];
    const skipping: boolean[] = [];
    for (const line of text.split('\n')) {
        const directive = /^\s*#\s*(\w+)(.*)$/.exec(line);
        if (!directive) {
            if (!skipping.includes(true)) {
                out.push(line);
            }
            continue;
        }
        const [, name, rest] = directive;
        if (name === 'if' || name === 'ifdef' || name === 'ifndef') {
            skipping.push(name === 'if' && rest.trim() === '0');
        } else if (name === 'endif') {
            skipping.pop();
        } else if (name === 'else') {
            skipping.push(!skipping.pop());
        }
    }
    return out.join('\n');
}

export function readReferenceSeries(): ReferenceSeries {
    const source = readRegtestSource('test_data.c');
    const series = (field: string): number[] => {
        const match = new RegExp(`TA_SREF_${field}_daily_ref_0_PRIV\\s*\\[\\s*(\\d+)\\s*\\]\\s*=\\s*\\{([^}]*)\\}`).exec(source);
        if (!match) {
            throw new Error(`test_data.c has no array TA_SREF_${field}_daily_ref_0_PRIV.`);
        }
        const values = match[2].split(',').map(s => s.trim()).filter(s => s !== '').map(Number);
        if (values.length !== Number(match[1]) || values.some(v => !Number.isFinite(v))) {
            throw new Error(`TA_SREF_${field}_daily_ref_0_PRIV: expected ${match[1]} numbers, parsed ${values.length}.`);
        }
        return values;
    };
    return { open: series('open'), high: series('high'), low: series('low'), close: series('close'), volume: series('volume') };
}

/** The field names of `typedef struct { ... } <name>;`, in declaration order. */
export function structFields(source: string, name: string): string[] {
    const match = new RegExp(`typedef\\s+struct\\s*\\{([^}]*)\\}\\s*${name}\\s*;`).exec(source);
    if (!match) {
        throw new Error(`No 'typedef struct { ... } ${name};' found.`);
    }
    return match[1].split(';').map(d => d.trim()).filter(d => d !== '').map(d => {
        const id = /(\w+)\s*$/.exec(d);
        if (!id) {
            throw new Error(`Cannot read the field name of '${d}' in struct ${name}.`);
        }
        return id[1];
    });
}

/** The rows of `static <Type> <table>[] = { {...}, ... };` as objects keyed by the struct's field names. */
export function tableRows(source: string, structName: string, table: string): Row[] {
    const fields = structFields(source, structName);
    const start = new RegExp(`${table}\\s*\\[\\s*\\]\\s*=\\s*\\{`).exec(source);
    if (!start) {
        throw new Error(`No table '${table}[] = {' found.`);
    }
    const rows: Row[] = [];
    let depth = 1;
    let rowStart = -1;
    for (let i = start.index + start[0].length; i < source.length && depth > 0; i++) {
        const ch = source[i];
        if (ch === '{') {
            depth++;
            if (depth === 2) {
                rowStart = i + 1;
            }
        } else if (ch === '}') {
            if (depth === 2) {
                const cells = splitTopLevel(source.slice(rowStart, i)).map(evaluate);
                if (cells.length !== fields.length) {
                    throw new Error(`${table}: a row has ${cells.length} values for ${fields.length} fields: {${source.slice(rowStart, i).trim()}}`);
                }
                rows.push(Object.fromEntries(fields.map((f, k) => [f, cells[k]])));
            }
            depth--;
        }
    }
    return rows;
}

function splitTopLevel(text: string): string[] {
    const parts: string[] = [];
    let depth = 0;
    let current = '';
    for (const ch of text) {
        if (ch === '(') {
            depth++;
        } else if (ch === ')') {
            depth--;
        }
        if (ch === ',' && depth === 0) {
            parts.push(current);
            current = '';
        } else {
            current += ch;
        }
    }
    if (current.trim() !== '') {
        parts.push(current);
    }
    return parts.map(p => p.trim());
}

/** A cell: an identifier (enum name), or an arithmetic expression of numeric literals (+ - * /, parentheses). */
export function evaluate(text: string): Cell {
    if (/^[A-Za-z_]\w*$/.test(text)) {
        return { value: text, decimals: 0 };
    }
    const tokens = text.match(/\d+\.\d*|\.\d+|\d+|[-+*/()]/g) ?? [];
    if (tokens.join('') !== text.replace(/\s+/g, '')) {
        throw new Error(`Cannot evaluate table cell '${text}'.`);
    }
    let pos = 0;
    let decimals = 0;
    const primary = (): number => {
        const token = tokens[pos++];
        if (token === '(') {
            const v = sum();
            if (tokens[pos++] !== ')') {
                throw new Error(`Unbalanced parentheses in '${text}'.`);
            }
            return v;
        }
        if (token === '-') {
            return -primary();
        }
        if (token === '+') {
            return primary();
        }
        if (token === undefined || !/^[\d.]/.test(token)) {
            throw new Error(`Unexpected '${token}' in '${text}'.`);
        }
        const dot = token.indexOf('.');
        decimals = Math.max(decimals, dot < 0 ? 0 : token.length - dot - 1);
        return Number(token);
    };
    const product = (): number => {
        let v = primary();
        while (tokens[pos] === '*' || tokens[pos] === '/') {
            v = tokens[pos++] === '*' ? v * primary() : v / primary();
        }
        return v;
    };
    const sum = (): number => {
        let v = product();
        while (tokens[pos] === '+' || tokens[pos] === '-') {
            v = tokens[pos++] === '+' ? v + product() : v - product();
        }
        return v;
    };
    const value = sum();
    if (pos !== tokens.length) {
        throw new Error(`Trailing tokens in '${text}'.`);
    }
    return { value, decimals };
}

export function num(row: Row, field: string): number {
    const cell = row[field];
    if (!cell || typeof cell.value !== 'number') {
        throw new Error(`Field '${field}' is not a number: ${JSON.stringify(cell)}.`);
    }
    return cell.value;
}

export function name(row: Row, field: string): string {
    const cell = row[field];
    if (!cell || typeof cell.value !== 'string') {
        throw new Error(`Field '${field}' is not a name: ${JSON.stringify(cell)}.`);
    }
    return cell.value;
}
