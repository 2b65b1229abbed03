// *****************************************************************************
// A run's look-ahead verdict in one line: the tearsheet, the CLI and the Runs view's tooltip.
// *****************************************************************************

import { RunLookAhead } from '../run-store';

const iso = (micros: number): string => new Date(micros / 1000).toISOString();

export function lookAheadText(audit: RunLookAhead | undefined): string {
    if (!audit) {
        return 'not audited';
    }
    if (audit.verdict === 'pass') {
        return `no look-ahead: passed (${audit.cuts} cuts, seed ${audit.seed})`;
    }
    const d = audit.divergence!;
    return `look-ahead: FAILED at ${iso(d.time)} (cut at ${iso(d.cutTime)}; ${audit.cuts} cuts, seed ${audit.seed}): ` +
        `the first divergent ${d.what}: full run ${d.full}; cut run ${d.cut}`;
}
