// Straightforward textbook implementations of the built-in indicators, for the specs: every value is
// recomputed from its definition over plain arrays (windows re-summed from scratch, two-pass variance,
// nothing incremental, no 1e-8 grid), independently of the O(1) calculations under test. Conventions
// follow the definitions documented in INDICATORS.md (seeding, flat-market values).
import { Bar } from '../../types';

type Series = (number | undefined)[];

function windowOf(x: readonly number[], i: number, p: number): number[] {
    return x.slice(i - p + 1, i + 1);
}
const mean = (w: readonly number[]): number => w.reduce((a, b) => a + b, 0) / w.length;

export function smaRef(x: readonly number[], p: number): Series {
    return x.map((_, i) => (i < p - 1 ? undefined : mean(windowOf(x, i, p))));
}

export function emaRef(x: readonly (number | undefined)[], p: number): Series {
    const out: Series = x.map(() => undefined);
    const first = x.findIndex(v => v !== undefined);
    if (first < 0 || first + p > x.length) {
        return out;
    }
    const k = 2 / (p + 1);
    let e = mean(x.slice(first, first + p) as number[]);
    out[first + p - 1] = e;
    for (let i = first + p; i < x.length; i++) {
        e = e + k * ((x[i] as number) - e);
        out[i] = e;
    }
    return out;
}

export function wmaRef(x: readonly number[], p: number): Series {
    return x.map((_, i) => {
        if (i < p - 1) {
            return undefined;
        }
        let num = 0;
        for (let j = 0; j < p; j++) {
            num += (j + 1) * x[i - p + 1 + j];
        }
        return num / (p * (p + 1) / 2);
    });
}

/** Wilder's smoothing of a series that starts at `first`: mean of the first p, then (prev*(p-1)+x)/p. */
function wilder(x: readonly number[], first: number, p: number): Series {
    const out: Series = x.map(() => undefined);
    if (first + p > x.length) {
        return out;
    }
    let s = mean(x.slice(first, first + p));
    out[first + p - 1] = s;
    for (let i = first + p; i < x.length; i++) {
        s = (s * (p - 1) + x[i]) / p;
        out[i] = s;
    }
    return out;
}

/** Price changes compared as decimals (rounded to 1e-8), as a person reading the quotes would. */
const change = (a: number, b: number): number => Math.round((a - b) * 1e8) / 1e8;

export function rsiRef(x: readonly number[], p: number): Series {
    const gains = x.map((v, i) => (i === 0 ? 0 : Math.max(change(v, x[i - 1]), 0)));
    const losses = x.map((v, i) => (i === 0 ? 0 : Math.max(-change(v, x[i - 1]), 0)));
    const g = wilder(gains, 1, p);
    const l = wilder(losses, 1, p);
    return x.map((_, i) => {
        const a = g[i];
        const b = l[i];
        return a === undefined || b === undefined ? undefined : a + b === 0 ? 50 : 100 * a / (a + b);
    });
}

function trueRanges(bars: readonly Bar[]): number[] {
    return bars.map((b, i) => (i === 0 ? 0 : Math.max(b.high - b.low, Math.abs(b.high - bars[i - 1].close), Math.abs(b.low - bars[i - 1].close))));
}

export function atrRef(bars: readonly Bar[], p: number): Series {
    return wilder(trueRanges(bars), 1, p);
}

export function bollingerRef(x: readonly number[], p: number, m: number): ({ upper: number; middle: number; lower: number } | undefined)[] {
    return x.map((_, i) => {
        if (i < p - 1) {
            return undefined;
        }
        const w = windowOf(x, i, p);
        const mid = mean(w);
        const sd = Math.sqrt(mean(w.map(v => (v - mid) ** 2)));
        return { upper: mid + m * sd, middle: mid, lower: mid - m * sd };
    });
}

export function macdRef(x: readonly number[], fast: number, slow: number, signal: number): ({ macd: number; signal: number; histogram: number } | undefined)[] {
    const f = emaRef(x, fast);
    const s = emaRef(x, slow);
    const line = x.map((_, i) => (f[i] === undefined || s[i] === undefined ? undefined : (f[i] as number) - (s[i] as number)));
    const sig = emaRef(line, signal);
    return x.map((_, i) => (sig[i] === undefined ? undefined : { macd: line[i] as number, signal: sig[i] as number, histogram: (line[i] as number) - (sig[i] as number) }));
}

export function stochasticRef(bars: readonly Bar[], kPeriod: number, slowing: number, dPeriod: number): ({ k: number; d: number } | undefined)[] {
    const fast = bars.map((b, i) => {
        if (i < kPeriod - 1) {
            return undefined;
        }
        const w = bars.slice(i - kPeriod + 1, i + 1);
        const hh = Math.max(...w.map(v => v.high));
        const ll = Math.min(...w.map(v => v.low));
        return hh === ll ? 50 : 100 * (b.close - ll) / (hh - ll);
    });
    const avg = (s: Series, p: number): Series => s.map((_, i) => {
        const w = s.slice(Math.max(0, i - p + 1), i + 1);
        return w.length < p || w.some(v => v === undefined) ? undefined : mean(w as number[]);
    });
    const k = avg(fast, slowing);
    const d = avg(k, dPeriod);
    return bars.map((_, i) => (d[i] === undefined ? undefined : { k: k[i] as number, d: d[i] as number }));
}

export function adxRef(bars: readonly Bar[], p: number): ({ adx: number; plusDi: number; minusDi: number } | undefined)[] {
    const out: ({ adx: number; plusDi: number; minusDi: number } | undefined)[] = bars.map(() => undefined);
    const tr = trueRanges(bars);
    let plusDm = 0;
    let minusDm = 0;
    let range = 0;
    let dxSum = 0;
    let adx = 0;
    for (let i = 1; i < bars.length; i++) {
        const up = change(bars[i].high, bars[i - 1].high);
        const down = change(bars[i - 1].low, bars[i].low);
        const minus = down > 0 && down > up ? down : 0;
        const plus = up > 0 && up > down ? up : 0;
        if (i < p) {
            plusDm += plus;
            minusDm += minus;
            range += tr[i];
            continue;
        }
        plusDm = plusDm - plusDm / p + plus;
        minusDm = minusDm - minusDm / p + minus;
        range = range - range / p + tr[i];
        const pdi = range === 0 ? 0 : 100 * plusDm / range;
        const mdi = range === 0 ? 0 : 100 * minusDm / range;
        const dx = pdi + mdi === 0 ? undefined : 100 * Math.abs(pdi - mdi) / (pdi + mdi);
        if (i < 2 * p - 1) {
            dxSum += dx ?? 0;
            continue;
        }
        if (i === 2 * p - 1) {
            adx = (dxSum + (dx ?? 0)) / p;
        } else if (dx !== undefined) {
            adx = (adx * (p - 1) + dx) / p;
        }
        out[i] = { adx, plusDi: pdi, minusDi: mdi };
    }
    return out;
}

export function vwapRef(bars: readonly Bar[], dayBoundaryMinutes: number, weight: 'volume' | 'ticks'): Series {
    const day = (b: Bar) => Math.floor((b.time / 60_000_000 - dayBoundaryMinutes) / 1440);
    return bars.map((b, i) => {
        let pv = 0;
        let v = 0;
        for (let j = i; j >= 0 && day(bars[j]) === day(b); j--) {
            pv += (bars[j].high + bars[j].low + bars[j].close) / 3 * bars[j][weight];
            v += bars[j][weight];
        }
        return v === 0 ? undefined : pv / v;
    });
}

export function donchianRef(bars: readonly Bar[], p: number): ({ upper: number; middle: number; lower: number } | undefined)[] {
    return bars.map((_, i) => {
        if (i < p - 1) {
            return undefined;
        }
        const w = bars.slice(i - p + 1, i + 1);
        const upper = Math.max(...w.map(b => b.high));
        const lower = Math.min(...w.map(b => b.low));
        return { upper, middle: (upper + lower) / 2, lower };
    });
}
