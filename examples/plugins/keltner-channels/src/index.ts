import { defineIndicator } from '@backtestr/plugins-sdk';
import { KeltnerCalculation, KeltnerOptions, KeltnerValue } from './keltner-calculation';

export const keltner = defineIndicator<KeltnerOptions, KeltnerValue>({
    id: 'examples.keltner',
    label: 'Keltner Channels',
    defaultOptions: { period: 20, atrPeriod: 10, multiplier: 2 },
    outputs: [
        { id: 'upper', kind: 'band' },
        { id: 'middle', kind: 'line' },
        { id: 'lower', kind: 'band' }
    ],
    create: options => new KeltnerCalculation(options)
});

/** What the plugin contributes (the `engine` module of its manifest). */
export const indicators = [keltner];
