/** True range in 1e-8 units: max(high - low, |high - prevClose|, |low - prevClose|), exact on integers. */
export function trueRangeUnits(high: number, low: number, previousClose: number): number {
    const range = high - low;
    const up = Math.abs(high - previousClose);
    const down = Math.abs(low - previousClose);
    return range >= up ? (range >= down ? range : down) : (up >= down ? up : down);
}

/** Checks that a bar's high >= low (in units) and names the indicator when it is not. */
export function requireOrderedBar(indicator: string, high: number, low: number): void {
    if (high < low) {
        throw new Error(`${indicator}: bar high ${high / 1e8} is below its low ${low / 1e8}; pass bars with high >= low.`);
    }
}
