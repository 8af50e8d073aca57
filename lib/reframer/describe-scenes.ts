import { readFile } from "node:fs/promises";
import type { DetectionPlan } from "@/lib/analysis/detect-chunk";
import type { Db } from "@/lib/db/client";
import { appendJobLog, reportProgress } from "@/lib/jobs";
import { reframeFiles } from "./files";
import { describeWithLlm, llmConfig, type ShotFacts } from "./llm-describe";
import { measureShot, subjectOf, trackedRows, trackName } from "./measure";
import { detectShots, SCENE_CUTS } from "@/lib/shots/detect-shots";
import { describeShot, importanceOf, replaceableElements, type ShotObject } from "./scenes";
import { cutKeyframes, readKeyframeText, speechIn } from "./shot-content";

/**
 * The scenes step of reframe-video: the shots (scene cuts), a keyframe of each with the text on
 * it, the words spoken in it, and its description, written from the measured objects or, when
 * an LLM is configured, by it. `subjectId` is for the render step, not the contract.
 */
export async function describeScenes(
  database: Db,
  jobId: string,
  file: string,
  plan: Pick<DetectionPlan, "duration" | "sourceFps" | "width" | "height">,
  known: { colours: Record<string, string>; heardSpeech: boolean },
) {
  const files = reframeFiles(jobId);
  const total = Math.max(1, Math.round(plan.duration));
  const report = (processed: number, currentStep: string) => reportProgress(database, jobId, { processed, total, phase: "scenes", currentStep });
  await report(0, "Finding scenes");
  const shots = await detectShots(file, plan.duration, { ...SCENE_CUTS, onTime: (seconds) => void report(Math.round(seconds), "Finding scenes") });
  const keyframes = await cutKeyframes(file, shots, files.keyframes, plan);
  const texts = await readKeyframeText(keyframes);
  const words = known.heardSpeech ? (JSON.parse(await readFile(files.speech, "utf8")) as { word: string; start: number; end: number }[]) : [];
  const llm = llmConfig();
  const sources = { measured: 0, llm: 0 };
  const out = [];
  for (const [i, shot] of shots.entries()) {
    const startFrame = Math.round(shot.start * plan.sourceFps);
    const endFrame = Math.max(startFrame, Math.ceil(shot.end * plan.sourceFps - 1e-6) - 1);
    const rows = await trackedRows(database, jobId, startFrame, endFrame);
    const objects = measureShot(rows, plan, known.colours);
    const subject = subjectOf(rows);
    const content = { text: texts[i], speech: speechIn(words, shot) };
    const written = describeShot(objects, shot.end - shot.start, content);
    const described = llm ? await describeWithLlm(llm, keyframes[i], shotFacts(objects, shot.end - shot.start, written, content)) : { description: written, source: "measured" as const };
    if (described.error) await appendJobLog(database, jobId, `Scene ${i + 1}: the written description stands (${described.error})`);
    sources[described.source]++;
    out.push({
      scene_number: i + 1,
      start_frame: startFrame,
      end_frame: endFrame,
      start_time: round(shot.start),
      end_time: round(shot.end),
      description: described.description,
      description_source: described.source,
      text_on_screen: content.text,
      speech: content.speech,
      importance: importanceOf(objects, content),
      replaceable_elements: replaceableElements(objects),
      subject: subject === null ? null : trackName(subject),
      subjectId: subject,
    });
    await report(Math.round(shot.end), "Describing scenes");
  }
  await appendJobLog(database, jobId, `Scenes: ${out.length} (descriptions: ${sources.measured} written from the measurements, ${sources.llm} by ${llm ? llm.model : "no model"})`);
  return out;
}

/** What the LLM describer is told about a shot (llm-describe.ts ShotFacts). */
function shotFacts(objects: ShotObject[], seconds: number, written: string, content: { text: string[]; speech: string | null }): ShotFacts {
  const place = (x: number) => (x < 0.33 ? "left" : x > 0.67 ? "right" : "centre");
  return {
    seconds: round(seconds),
    written,
    objects: objects.filter((o) => o.kind !== "other").map((o) => ({ track_id: o.trackId, label: o.label, colour: o.colour, position: place(o.position), moving: o.speed >= 0.03 ? o.direction : null })),
    text_on_screen: content.text,
    speech: content.speech,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
