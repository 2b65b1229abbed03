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

/** The Runs view's badge: "no look-ahead ✓ (20 cuts)" or "look-ahead ✗ at <time of the first divergence>". */
export function lookAheadBadge(audit: RunLookAhead): string {
    return audit.verdict === 'pass' ? `no look-ahead ✓ (${audit.cuts} cuts)`
        : `look-ahead ✗ at ${iso(audit.divergence!.time).replace('T', ' ').replace(/\.000Z$/, 'Z')}`;
}
