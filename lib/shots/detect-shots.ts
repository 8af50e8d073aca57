import { ffmpegInput, streamFfmpeg } from "@/lib/media/ffmpeg";

/**
 * Shot detection, one module for every contract: the editor's shot list (ingest, exports,
 * generate_clip), the reframer's scenes and subject crop, and feature extraction's cut frames.
 * Each caller keeps its own measure and rules (below); each contract serialises shots its own
 * way at its edge.
 *
 * 1. scoreFrames: ffmpeg scores every frame against the one before. Two measures:
 *    - `scdet` (editor, reframer): the scdet filter's score, 0-100, all planes, on a copy
 *      `width` pixels wide (160 by default);
 *    - `scene` (feature extraction): the `select` filter's scene score, 0-1, luma only, at full
 *      size. The two do not agree frame by frame (measured: up to 37 points apart on the same
 *      cut), so a caller's threshold belongs to its measure.
 * 2. findCuts: a hard cut is a frame scoring at least `cutScore` (more than it, with `strictly`).
 *    With a `dissolveFloor`, a dissolve, which never scores that high on one frame, is one cut
 *    too: a run of frames each scoring at least the floor lasting 0.25-2 s, with no hard cut in
 *    it, whose scores add up to at least 2 x `cutScore`, placed at its middle. With
 *    `minShotSeconds`, a cut closer than that to the start or to the cut kept before is dropped
 *    (its shot merges into the one before).
 * 3. shotsOf: the shots between the cuts, numbered from 0, each with the score of the cut that
 *    opened it (null for the first).
 */
export type FrameScore = { time: number; score: number };
/** A cut is the frame that opens a new shot: its time, and its score (a dissolve's: its highest frame). */
export type Cut = FrameScore;
export type Shot = { index: number; start: number; end: number; score: number | null };

export type SceneMeasure = { measure: "scdet"; width?: number } | { measure: "scene" };
export type CutRules = { cutScore: number; strictly?: boolean; dissolveFloor?: number; minShotSeconds?: number };

/** Hard cuts and dissolves on scdet's score, no shot under half a second: the reframer's scenes and the subject-following crop. */
export const SCENE_CUTS: { scene: SceneMeasure; rules: CutRules } = { scene: { measure: "scdet" }, rules: { cutScore: 10, dissolveFloor: 1.5, minShotSeconds: 0.5 } };

export type ScoreOptions = {
  /** Scores only start..end; times stay on the file's clock. */
  range?: { start: number; end: number };
  signal?: AbortSignal;
  /** Called every 250 frames with the time reached. */
  onTime?: (seconds: number) => void;
};

export async function scoreFrames(file: string, measure: SceneMeasure, options: ScoreOptions = {}): Promise<FrameScore[]> {
  const { range, signal, onTime } = options;
  const seek = range ? ["-ss", range.start.toFixed(3), "-t", (range.end - range.start).toFixed(3)] : [];
  const filter = measure.measure === "scdet" ? `scale=${measure.width ?? 160}:-2,scdet=threshold=100,metadata=mode=print:file=-` : "select='gte(scene,0)',metadata=mode=print:file=-";
  const key = measure.measure === "scdet" ? /lavfi\.scd\.score=([\d.]+)/ : /lavfi\.scene_score=([\d.]+)/;
  const args = ["-v", "error", ...seek, "-i", ffmpegInput(file), "-an", "-sn", "-vf", filter, "-f", "null", "-"];
  const scores: FrameScore[] = [];
  let text = "";
  let time = 0;
  for await (const chunk of streamFfmpeg(args, { signal })) {
    text += chunk.toString("utf8");
    let newline: number;
    while ((newline = text.indexOf("\n")) >= 0) {
      const line = text.slice(0, newline);
      text = text.slice(newline + 1);
      const pts = /pts_time:(-?[\d.]+)/.exec(line);
      if (pts) {
        time = Number(pts[1]) + (range?.start ?? 0);
        continue;
      }
      const score = key.exec(line);
      if (score) {
        scores.push({ time, score: Number(score[1]) });
        if (onTime && scores.length % 250 === 0) onTime(time);
      }
    }
  }
  return scores;
}

/** The cuts, in time order; the first frame and anything before 0 s never cut. */
export function findCuts(scores: FrameScore[], rules: CutRules): Cut[] {
  const hard = (score: number) => (rules.strictly ? score > rules.cutScore : score >= rules.cutScore);
  const cuts: Cut[] = [];
  for (let i = 1; i < scores.length; i++) if (hard(scores[i].score)) cuts.push(scores[i]);
  // Dissolves: runs of raised scores.
  const floor = rules.dissolveFloor;
  if (floor !== undefined) {
    for (let i = 1; i < scores.length; ) {
      if (scores[i].score < floor || hard(scores[i].score)) {
        i++;
        continue;
      }
      let j = i;
      let sum = 0;
      let peak = 0;
      let anyHard = false;
      while (j < scores.length && scores[j].score >= floor) {
        if (hard(scores[j].score)) anyHard = true;
        sum += scores[j].score;
        peak = Math.max(peak, scores[j].score);
        j++;
      }
      const length = scores[j - 1].time - scores[i].time;
      if (!anyHard && length >= 0.25 && length <= 2 && sum >= 2 * rules.cutScore) cuts.push({ time: (scores[i].time + scores[j - 1].time) / 2, score: peak });
      i = j;
    }
  }
  cuts.sort((a, b) => a.time - b.time);
  const min = rules.minShotSeconds ?? 0;
  const kept: Cut[] = [];
  for (const cut of cuts) if (cut.time >= 0 && cut.time >= min && (kept.length === 0 || cut.time - kept[kept.length - 1].time >= min)) kept.push(cut);
  return kept;
}

/** Shots from 0 to `duration`; cuts within `edgeSeconds` of either end are ignored. */
export function shotsOf(cuts: Cut[], duration: number, edgeSeconds = 0): Shot[] {
  const inside = cuts.filter((cut) => cut.time > edgeSeconds && cut.time < duration - edgeSeconds);
  const edges = [{ time: 0, score: null as number | null }, ...inside, { time: duration, score: null }];
  const shots: Shot[] = [];
  for (let i = 0; i < edges.length - 1; i++) if (edges[i + 1].time - edges[i].time > 0) shots.push({ index: shots.length, start: edges[i].time, end: edges[i + 1].time, score: edges[i].score });
  return shots;
}

/** Score, cut and split in one call: the shots of `file` (or of `range`, on the range's clock: 0 = its start). */
export async function detectShots(
  file: string,
  duration: number,
  options: ScoreOptions & { scene: SceneMeasure; rules: CutRules; edgeSeconds?: number },
): Promise<Shot[]> {
  const start = options.range?.start ?? 0;
  const scores = await scoreFrames(file, options.scene, options);
  return shotsOf(findCuts(scores.map((s) => ({ time: s.time - start, score: s.score })), options.rules), duration, options.edgeSeconds);
}
