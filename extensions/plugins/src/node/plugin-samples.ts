// *****************************************************************************
// Deterministic sample inputs a plugin is exercised with when it is enabled, before anything
// else calls it: 300 one-minute bars of a seeded random walk and a small finished run.
// *****************************************************************************
import type { Bar } from '@backtestr/plugins-sdk';
import type { ReportSectionInput } from '../common/plugin-contribution';

/** A 32-bit linear congruential generator (same sequence on every machine). */
function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 2 ** 32;
    };
}

export function sampleBars(count = 300): Bar[] {
    const next = random(7);
    const bars: Bar[] = [];
    let close = 100;
    const start = Date.UTC(2024, 0, 2, 14, 30) * 1000;
    for (let i = 0; i < count; i++) {
        const open = close;
        close = Math.max(1, open + (next() - 0.5) * 0.4);
        const high = Math.max(open, close) + next() * 0.1;
        const low = Math.min(open, close) - next() * 0.1;
        bars.push(Object.freeze({ time: start + i * 60_000_000, open, high, low, close, volume: 100 + Math.floor(next() * 1000), ticks: 10 }));
    }
    return bars;
}

export function sampleRun(): ReportSectionInput {
    const start = Date.UTC(2024, 0, 2, 14, 30) * 1000;
    const pnl = [120, -40, 65, -80, 30, 15, -10, 200];
    let equity = 10_000;
    return {
        trades: pnl.map((p, i) => ({ entryTime: start + i * 3_600_000_000, exitTime: start + i * 3_600_000_000 + 600_000_000, side: i % 2 ? 'short' : 'long', pnl: p })),
        equity: { time: pnl.map((_, i) => start + i * 3_600_000_000), value: pnl.map(p => equity += p) }
    };
}
