import { expect } from 'chai';
import * as native from '@backtestr/native';
import { parseTimeframe } from '@backtestr/plugins-sdk';

/**
 * The SDK's timeframe parser (plugins-sdk/src/timeframe.ts, used by strategies, charts, the bar
 * cache and the reference bars) and the native engine's (native/src/timeframe.rs) are one grammar:
 * over a grid of numbers x units x padding, both accept the same labels, normalise them alike and
 * refuse the others with the same message.
 */

type Outcome = { readonly label: string } | { readonly error: string };

function nativeOutcome(text: string): Outcome {
    try {
        return { label: native.timeframes(native.create({ timeframes: [text], depth: 1 }))[0] };
    } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
    }
}

function sdkOutcome(text: string): Outcome {
    try {
        return { label: parseTimeframe(text).label };
    } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
    }
}

describe('timeframe grammar: the SDK parser and the native engine agree', () => {
    it('on every label of a grid of numbers, units and padding', () => {
        const numbers = ['', '0', '00', '1', '01', '7', '60', '366', '36600', '36601', '3162240000', '3162240001',
            '9223372036854775807', '99999999999999999999', '-1', '1.5', '1e3'];
        const units = ['s', 'm', 'h', 'H', 'd', 'D', 'M', 'x', 'W', 'S', '', ' m', 'mm', 'é'];
        const pads = [['', ''], [' ', ''], ['', '\t'], ['m', '']];
        let accepted = 0;
        for (const n of numbers) {
            for (const unit of units) {
                for (const [before, after] of pads) {
                    const text = `${before}${n}${unit}${after}`;
                    const sdk = sdkOutcome(text);
                    const engine = nativeOutcome(text);
                    if ('label' in engine) {
                        accepted++;
                        expect(sdk, JSON.stringify(text)).to.deep.equal(engine);
                    } else {
                        expect(sdk, JSON.stringify(text)).to.have.property('error');
                        expect(engine.error, JSON.stringify(text)).to.contain((sdk as { error: string }).error);
                    }
                }
            }
        }
        expect(accepted, 'labels both accepted').to.be.greaterThan(50);
    });
});
