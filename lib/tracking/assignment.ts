/**
 * Minimum-cost assignment (Hungarian method, O(n³)) for a rectangular cost matrix, keeping only
 * pairs whose cost is at most `threshold`. Costs above the threshold are treated as forbidden.
 * `cols` is given because a matrix with no rows cannot tell how many columns it has.
 */
export function assign(
  cost: number[][],
  cols: number,
  threshold: number,
): { matches: [number, number][]; unmatchedRows: number[]; unmatchedCols: number[] } {
  const rows = cost.length;
  if (rows === 0 || cols === 0) {
    return { matches: [], unmatchedRows: range(rows), unmatchedCols: range(cols) };
  }
  const n = Math.max(rows, cols);
  const big = threshold + 1e6;
  // Square matrix, forbidden and padding cells at a cost no real match can reach.
  const a = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i < rows && j < cols && cost[i][j] <= threshold ? cost[i][j] : big)),
  );
  const u = new Array(n + 1).fill(0);
  const v = new Array(n + 1).fill(0);
  const p = new Array(n + 1).fill(0); // p[j]: row assigned to column j (1-based)
  const way = new Array(n + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array(n + 1).fill(Infinity);
    const used = new Array(n + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = a[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  const matches: [number, number][] = [];
  const matchedRows = new Set<number>();
  const matchedCols = new Set<number>();
  for (let j = 1; j <= n; j++) {
    const i = p[j] - 1;
    const c = j - 1;
    if (i < rows && c < cols && cost[i][c] <= threshold) {
      matches.push([i, c]);
      matchedRows.add(i);
      matchedCols.add(c);
    }
  }
  return {
    matches,
    unmatchedRows: range(rows).filter((i) => !matchedRows.has(i)),
    unmatchedCols: range(cols).filter((j) => !matchedCols.has(j)),
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
