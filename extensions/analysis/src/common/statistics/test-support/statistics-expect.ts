// *****************************************************************************
// Test support: compare two statistics reports figure by figure, and check that every
// undefined figure carries a reason (and no defined one does).
// *****************************************************************************

import { expect } from 'chai';

/**
 * Deep comparison: numbers within `relative` tolerance (of max(1, |expected|)), undefined
 * exactly where expected is undefined, everything else equal. `reasons` maps are skipped.
 */
export function expectStatisticsClose(actual: unknown, expected: unknown, relative = 1e-9, path = 'report'): void {
    if (typeof expected === 'number') {
        expect(actual, path).to.be.a('number');
        const a = actual as number;
        expect(Number.isFinite(a), `${path} is finite (${a})`).to.equal(true);
        const tolerance = relative * Math.max(1, Math.abs(expected));
        expect(Math.abs(a - expected), `${path}: engine ${a}, reference ${expected}`).to.be.at.most(tolerance);
        return;
    }
    if (expected === undefined || expected === null || typeof expected !== 'object') {
        expect(actual, path).to.equal(expected);
        return;
    }
    expect(actual, path).to.be.an(Array.isArray(expected) ? 'array' : 'object');
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    if (Array.isArray(e)) {
        expect((a as unknown as unknown[]).length, `${path}.length`).to.equal(e.length);
    } else {
        expect(Object.keys(a).filter(k => k !== 'reasons').sort(), `${path} keys`)
            .to.deep.equal(Object.keys(e).filter(k => k !== 'reasons').sort());
    }
    for (const key of Object.keys(e)) {
        if (key !== 'reasons') {
            expectStatisticsClose(a[key], e[key], relative, `${path}.${key}`);
        }
    }
}

/** Every group with a `reasons` map: a reason for exactly the figures that are undefined. */
export function expectReasonsComplete(report: unknown, path = 'report'): void {
    if (report === null || typeof report !== 'object' || Array.isArray(report)) {
        return;
    }
    const group = report as Record<string, unknown>;
    const reasons = group.reasons as Record<string, string> | undefined;
    if (reasons !== undefined) {
        for (const [key, value] of Object.entries(group)) {
            if (key === 'reasons') {
                continue;
            }
            if (value === undefined) {
                expect(reasons[key], `${path}.${key} is undefined: reason`).to.be.a('string').and.not.equal('');
            } else {
                expect(reasons[key], `${path}.${key} = ${String(value)} has no reason`).to.equal(undefined);
            }
        }
        for (const key of Object.keys(reasons)) {
            expect(key in group, `${path}.reasons.${key} names a figure`).to.equal(true);
        }
    }
    for (const [key, value] of Object.entries(group)) {
        if (key !== 'reasons') {
            expectReasonsComplete(value, `${path}.${key}`);
        }
    }
}

/** No NaN or Infinity anywhere in the report. */
export function expectAllFinite(report: unknown, path = 'report'): void {
    if (typeof report === 'number') {
        expect(Number.isFinite(report), `${path} = ${report}`).to.equal(true);
    } else if (report !== null && typeof report === 'object') {
        for (const [key, value] of Object.entries(report)) {
            expectAllFinite(value, `${path}.${key}`);
        }
    }
}
