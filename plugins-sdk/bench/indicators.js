#!/usr/bin/env node
// @ts-check
// `npm run bench --workspace @backtestr/plugins-sdk`: updates/s of each built-in indicator over the real
// EURUSD 1-minute bars of ../shared/data/eurusd-m1-2017h1 (186,348 bars, repeated to >= BENCH_UPDATES,
// default 3M, per indicator; a fresh state each pass), through the defineIndicator state as a strategy
// calls it (`update(bar)`), and `peek(bar)` for the forming bar. Also the 1H bars aggregated from the same
// minutes. Measures; asserts nothing. Needs the built lib/ (npx tsc -b).
'use strict';
const { CORE_INDICATORS } = require('../lib/indicators/core-indicators');
const { readEurusdM1, aggregate } = require('../lib/indicators/test-support/real-bars');

const target = Number(process.env.BENCH_UPDATES ?? 3_000_000);
const OPTIONS = { 'core.vwap': { weight: 'ticks' } };

function measure(definition, bars, method) {
    const options = { ...definition.defaultOptions, ...(OPTIONS[definition.id] ?? {}) };
    // Warm the JIT on one pass, then time whole passes until the target count is reached.
    let sink = 0;
    const pass = () => {
        const state = definition.create(options);
        for (let i = 0; i < bars.length; i++) {
            const bar = bars[i];
            if (method === 'peek' && i > 0) {
                state.peek(bar);
            }
            if (state.update(bar) !== undefined) {
                sink++;
            }
        }
    };
    pass();
    let updates = 0;
    const started = process.hrtime.bigint();
    while (updates < target) {
        pass();
        updates += bars.length;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { perSecond: updates / seconds, sink };
}

const m1 = readEurusdM1();
const h1 = aggregate(m1, 60);
const pad = (s, n) => String(s).padEnd(n);
const rate = r => `${(r / 1e6).toFixed(2)}M/s`.padStart(10);
process.stdout.write(`indicator updates over EURUSD 2017 H1 bars (${m1.length} x 1m, ${h1.length} x 1H), >= ${target} updates each; node ${process.version}\n`);
process.stdout.write(`${pad('indicator', 18)}${'1m update'.padStart(10)}${'1H update'.padStart(10)}${'1m upd+peek'.padStart(13)}\n`);
for (const definition of CORE_INDICATORS) {
    const a = measure(definition, m1, 'update');
    const b = measure(definition, h1, 'update');
    const c = measure(definition, m1, 'peek');
    process.stdout.write(`${pad(definition.id, 18)}${rate(a.perSecond)}${rate(b.perSecond)}${rate(c.perSecond).padStart(13)}\n`);
}
process.stdout.write('(upd+peek: bars/s when each bar is also peeked once as the forming bar before it closes)\n');
