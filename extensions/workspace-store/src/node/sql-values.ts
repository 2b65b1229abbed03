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

/**
 * SQL for floor(expr / n), exact, of a BIGINT expression and a positive integer n: the day, minute or bar a time falls
 * in. Not `expr // n`: DuckDB's integer division rounds toward zero (-1 // 60 = 0), which would put a time before
 * 1970 in the period after its own.
 */
export function floorDiv(expr: string, n: number): string {
    return `((${expr}) // ${n} - CASE WHEN (${expr}) % ${n} < 0 THEN 1 ELSE 0 END)`;
}
