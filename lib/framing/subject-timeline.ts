import { contractClassOf } from "./classes";

type TrackedBox = { frameIndex: number; label: string; confidence: number; x: number; y: number; width: number; height: number; trackId: number | null };

/**
 * The subject at each sampled frame of a shot: the shot's most prominent person track
 * (sum of area x confidence; a product track when there is no person) while it is in view;
 * when it leaves, the most prominent track then in view takes over, and keeps the place until
 * it leaves in turn. A frame with nobody in view holds the last subject's place (null). The
 * subject's box size comes along for the background rule (lib/reframer/render.ts shotLayout).
 */
export function subjectTimeline(rows: TrackedBox[], sampled: { frameIndex: number }[]): ({ x: number; y: number; width: number; height: number } | null)[] {
  const prominence = new Map<number, number>();
  const isPerson = new Map<number, boolean>();
  for (const row of rows) {
    const kind = contractClassOf(row.label);
    if (!kind) continue;
    prominence.set(row.trackId!, (prominence.get(row.trackId!) ?? 0) + row.width * row.height * row.confidence);
    if (kind === "person") isPerson.set(row.trackId!, true);
  }
  const rank = (id: number) => (isPerson.get(id) ? 1e15 : 0) + (prominence.get(id) ?? 0);
  const byFrame = new Map<number, TrackedBox[]>();
  for (const row of rows) if (prominence.has(row.trackId!)) byFrame.set(row.frameIndex, [...(byFrame.get(row.frameIndex) ?? []), row]);
  let current: number | null = null;
  return sampled.map(({ frameIndex }) => {
    const visible = byFrame.get(frameIndex) ?? [];
    let row = visible.find((candidate) => candidate.trackId === current);
    if (!row && visible.length) {
      row = [...visible].sort((a, b) => rank(b.trackId!) - rank(a.trackId!))[0];
      current = row.trackId;
    }
    return row ? { x: row.x + row.width / 2, y: row.y + row.height / 2, width: row.width, height: row.height } : null;
  });
}
