// *****************************************************************************
// The memory budget of a run as written in the preference and on the command line (no
// dependencies: the CLI reads it without loading Theia).
// *****************************************************************************

export const DEFAULT_MEMORY_BUDGET = '2G';

/**
 * A memory budget as MiB: a number of MiB (`512`) or a size with a unit (`512M`, `2G`, `1.5GiB`); undefined when it
 * is none of these.
 */
export function parseMemoryBudget(text: string | number): number | undefined {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(?:(k|m|g|t)(?:i?b)?)?\s*$/i.exec(String(text));
    if (!m) {
        return undefined;
    }
    const scale: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };
    const mib = Number(m[1]) * scale[(m[2] ?? 'm').toLowerCase()];
    return Number.isFinite(mib) && mib > 0 ? Math.round(mib) : undefined;
}
