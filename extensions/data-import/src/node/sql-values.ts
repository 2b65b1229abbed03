// *****************************************************************************
// Small helpers for values going into and coming out of SQL text.
// *****************************************************************************

/** A DuckDB value (number, bigint, null) as a number; NaN for NULL. */
export function num(value: unknown): number {
    return value === null || value === undefined ? NaN : Number(value);
}

/** A string as a SQL string literal. */
export function sqlString(s: string): string {
    return `'${s.replace(/'/g, "''")}'`;
}
