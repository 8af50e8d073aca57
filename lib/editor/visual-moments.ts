import { asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { analysisFrames, detections } from "@/lib/db/schema";

/**
 * Moments an analysis job saw: where a named class was detected ("dog", "dogs"), or where OCR
 * read the prompt's text. Sightings closer than `gap` seconds join one moment, which is padded
 * by `pad` on each side and clamped to the video.
 */
export type Sighting = { time: number; label: string };
export type VisualMoment = { start: number; end: number; reason: string };

export function runsOf(times: number[], options: { duration: number; gap?: number; pad?: number }): { start: number; end: number; first: number; last: number }[] {
  const gap = options.gap ?? 1.5;
  const pad = options.pad ?? 0.5;
  const sorted = [...times].sort((a, b) => a - b);
  const runs: { first: number; last: number }[] = [];
  for (const time of sorted) {
    const last = runs.at(-1);
    if (last && time - last.last <= gap) last.last = time;
    else runs.push({ first: time, last: time });
  }
  return runs.map((run) => ({ ...run, start: round(Math.max(0, run.first - pad)), end: round(Math.min(options.duration, run.last + pad)) }));
}

function singular(word: string): string[] {
  const w = word.toLowerCase().trim();
  return [w, w.replace(/ies$/, "y"), w.replace(/es$/, ""), w.replace(/s$/, "")];
}

export function normaliseText(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

export async function visualMoments(db: Db, analysisJobId: string, prompt: string, options: { duration: number; max: number }): Promise<VisualMoment[]> {
  const labels = await db.selectDistinct({ label: detections.label }).from(detections).where(eq(detections.jobId, analysisJobId));
  const forms = singular(prompt);
  const label = labels.map((l) => l.label).find((name) => forms.includes(name.toLowerCase()));
  if (label) {
    const rows = await db.select({ t: detections.timestamp, label: detections.label }).from(detections).where(eq(detections.jobId, analysisJobId)).orderBy(asc(detections.timestamp));
    const times = rows.filter((r) => r.label === label).map((r) => r.t);
    return runsOf(times, { duration: options.duration })
      .sort((a, b) => b.last - b.first - (a.last - a.first))
      .slice(0, options.max)
      .sort((a, b) => a.start - b.start)
      .map((run) => ({ start: run.start, end: run.end, reason: `detected: ${label}` }));
  }
  const wanted = normaliseText(prompt);
  if (!wanted) return [];
  const frames = await db.select({ t: analysisFrames.timestamp, extras: analysisFrames.extras }).from(analysisFrames).where(eq(analysisFrames.jobId, analysisJobId)).orderBy(asc(analysisFrames.timestamp));
  const seen: number[] = [];
  let readAs = "";
  for (const frame of frames) {
    const lines = (frame.extras?.ocr as { text: string }[] | undefined) ?? [];
    const hit = lines.find((line) => normaliseText(line.text).includes(wanted));
    if (hit) {
      seen.push(frame.t);
      readAs ||= hit.text;
    }
  }
  return runsOf(seen, { duration: options.duration })
    .slice(0, options.max)
    .map((run) => ({ start: run.start, end: run.end, reason: `text: "${readAs}"` }));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
