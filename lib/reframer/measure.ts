import { and, asc, eq, gte, isNotNull, lte } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { analysisFrames, detections } from "@/lib/db/schema";
import { contractClassOf } from "@/lib/framing/classes";
import type { MaskObject } from "./masks";
import type { ShotObject } from "./scenes";

export const trackName = (trackId: number) => `obj_${String(trackId).padStart(3, "0")}`;

type Row = { frameIndex: number; timestamp: number; label: string; confidence: number; x: number; y: number; width: number; height: number; trackId: number | null };

export async function trackedRows(db: Db, jobId: string, fromFrame: number, toFrame: number): Promise<Row[]> {
  return db
    .select({ frameIndex: detections.frameIndex, timestamp: detections.timestamp, label: detections.label, confidence: detections.confidence, x: detections.x, y: detections.y, width: detections.width, height: detections.height, trackId: detections.trackId })
    .from(detections)
    .where(and(eq(detections.jobId, jobId), gte(detections.frameIndex, fromFrame), lte(detections.frameIndex, toFrame), isNotNull(detections.trackId)))
    .orderBy(asc(detections.frameIndex), asc(detections.ordinal));
}

/** The sampled frames of a job between two frame indices, both included, in order. */
export async function sampledFrames(db: Db, jobId: string, fromFrame: number, toFrame: number): Promise<{ frameIndex: number; timestamp: number }[]> {
  return db
    .select({ frameIndex: analysisFrames.frameIndex, timestamp: analysisFrames.timestamp })
    .from(analysisFrames)
    .where(and(eq(analysisFrames.jobId, jobId), gte(analysisFrames.frameIndex, fromFrame), lte(analysisFrames.frameIndex, toFrame)))
    .orderBy(asc(analysisFrames.frameIndex));
}

/**
 * Mask rate (README): the sampled frames whose ordinal is a multiple of `every` (one a second
 * at the default: every = round(fps)), and in each at most `perFrame` (8) tracked people or
 * products, the largest first, at least 16 x 16 pixels.
 */
export async function maskPlan(db: Db, jobId: string, every: number, perFrame = 8): Promise<{ frameIndex: number; timestamp: number; objects: MaskObject[] }[]> {
  const frames = await db.select({ frameIndex: analysisFrames.frameIndex, timestamp: analysisFrames.timestamp }).from(analysisFrames).where(eq(analysisFrames.jobId, jobId)).orderBy(asc(analysisFrames.frameIndex));
  const chosen = frames.filter((_, i) => i % every === 0);
  const plan: { frameIndex: number; timestamp: number; objects: MaskObject[] }[] = [];
  const rows = await trackedRows(db, jobId, 0, 2_147_483_647);
  const byFrame = new Map<number, Row[]>();
  for (const row of rows) byFrame.set(row.frameIndex, [...(byFrame.get(row.frameIndex) ?? []), row]);
  for (const frame of chosen) {
    const objects = (byFrame.get(frame.frameIndex) ?? [])
      .map((row) => ({ row, kind: contractClassOf(row.label) }))
      .filter(({ row, kind }) => kind && row.width >= 16 && row.height >= 16)
      .sort((a, b) => b.row.width * b.row.height - a.row.width * a.row.height)
      .slice(0, perFrame)
      .map(({ row, kind }) => ({ trackId: row.trackId!, label: row.label, kind: kind!, box: { x: row.x, y: row.y, width: row.width, height: row.height } }));
    if (objects.length) plan.push({ frameIndex: frame.frameIndex, timestamp: frame.timestamp, objects });
  }
  return plan;
}

/** Per track within a shot's frames: size, motion, place, occlusion (see ShotObject). */
export function measureShot(rows: Row[], frame: { width: number; height: number }, colours: Record<string, string>): ShotObject[] {
  const byTrack = new Map<number, Row[]>();
  for (const row of rows) byTrack.set(row.trackId!, [...(byTrack.get(row.trackId!) ?? []), row]);
  const byFrame = new Map<number, Row[]>();
  for (const row of rows) byFrame.set(row.frameIndex, [...(byFrame.get(row.frameIndex) ?? []), row]);
  const objects: ShotObject[] = [];
  for (const [trackId, seen] of byTrack) {
    if (seen.length < 2) continue;
    const labels = new Map<string, number>();
    for (const row of seen) labels.set(row.label, (labels.get(row.label) ?? 0) + 1);
    const label = [...labels].sort(([a, n], [b, m]) => m - n || (a < b ? -1 : 1))[0][0];
    const first = seen[0];
    const last = seen[seen.length - 1];
    const cx = (r: Row) => r.x + r.width / 2;
    const cy = (r: Row) => r.y + r.height / 2;
    const seconds = Math.max(0.2, last.timestamp - first.timestamp);
    const dx = (cx(last) - cx(first)) / frame.width;
    const dy = (cy(last) - cy(first)) / frame.height;
    const speed = Math.hypot(dx, dy) / seconds;
    const direction = speed < 0.03 ? null : Math.abs(dx) >= Math.abs(dy) ? (dx > 0 ? "right" : "left") : dy > 0 ? "down" : "up";
    let occluded = 0;
    for (const row of seen) {
      const others = (byFrame.get(row.frameIndex) ?? []).filter((other) => other.trackId !== trackId);
      if (others.some((other) => overlap(row, other) > 0.25 * row.width * row.height)) occluded++;
    }
    const kind = contractClassOf(label) ?? "other";
    objects.push({
      trackId: trackName(trackId),
      label,
      kind,
      areaShare: seen.reduce((sum, r) => sum + r.width * r.height, 0) / seen.length / (frame.width * frame.height),
      speed,
      direction,
      position: seen.reduce((sum, r) => sum + cx(r), 0) / seen.length / frame.width,
      occlusion: occluded / seen.length,
      colour: colours[trackName(trackId)] ?? null,
      frames: seen.length,
    });
  }
  return objects;
}

function overlap(a: Row, b: Row): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** The shot's subject: the most prominent person track (sum of area x confidence), else product. */
export function subjectOf(rows: Row[]): number | null {
  const score = new Map<number, { person: boolean; product: boolean; value: number }>();
  for (const row of rows) {
    const kind = contractClassOf(row.label);
    if (!kind) continue;
    const entry = score.get(row.trackId!) ?? { person: false, product: false, value: 0 };
    entry.person ||= kind === "person";
    entry.product ||= kind === "product";
    entry.value += row.width * row.height * row.confidence;
    score.set(row.trackId!, entry);
  }
  const ranked = [...score].sort(([, a], [, b]) => Number(b.person) - Number(a.person) || b.value - a.value);
  return ranked.length ? ranked[0][0] : null;
}
