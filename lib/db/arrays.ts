/**
 * A PostgreSQL array literal (`{1,2,"cell phone"}`) for one text parameter, cast in SQL
 * (`${pgArray(ids)}::bigint[]`). Bulk writes pass one array per column through `unnest`
 * instead of a parameter per value: far less work for the query builder and the database,
 * and the same on PGlite and PostgreSQL.
 */
export function pgArray(values: readonly (string | number | null)[]): string {
  const items = values.map((value) => {
    if (value === null) return "NULL";
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
      return String(value);
    }
    return `"${value.replace(/["\\]/g, "\\$&")}"`;
  });
  return `{${items.join(",")}}`;
}

/** One column of `rows` as an array literal: `pgColumn(rows, (r) => r.id)` for `unnest(...)`. */
export function pgColumn<R>(rows: readonly R[], pick: (row: R) => string | number | null): string {
  return pgArray(rows.map(pick));
}
