import { defaultEventRules, type EventRules } from "./events/detect-events";
import { DEFAULT_SCENE_PROFILE, type SceneProfile } from "@/lib/tracking/scene-profiles";
import { DEFAULT_THRESHOLDS, MAX_SAMPLE_FPS } from "@/lib/inference/worker-protocol";

/**
 * The analysis options as the browser's forms edit them (the upload page and the re-run form):
 * the sampling rate, the detector and tracker thresholds and the event rules of
 * `analysisOptionsSchema` (lib/analysis/job-kinds.ts), which checks what the form sends. Plain
 * TypeScript without zod or server modules, so client components may import it.
 */
export const DEFAULT_ANALYSIS_FPS = 5;
export { MAX_SAMPLE_FPS };

/** ByteTrack's own defaults (lib/tracking/bytetrack.ts), shown as the form's placeholders. */
export const TRACKER_DEFAULTS = { highThreshold: 0.3, matchThreshold: 0.9 } as const;

type HeldRule = { on: boolean; minSeconds: number; minOverlap: number };

export type OptionsForm = {
  /** Which classes are tracked and reported (scene-profiles.ts). */
  profile: SceneProfile;
  fps: number;
  detectThreshold: number;
  /** Blank: the tracker's default. */
  trackHigh: string;
  trackMatch: string;
  personPresent: { on: boolean; minSeconds: number };
  phoneUse: HeldRule;
  eatingDrinking: HeldRule;
  entering: boolean;
  leaving: boolean;
  mergeGapSeconds: number;
  minTrackSeconds: number;
};

/** What a stored payload (or none) shows in the form; missing fields take their defaults. */
export function formFromOptions(options: { profile?: SceneProfile; fps?: number; detectThreshold?: number; tracker?: Record<string, number | undefined>; rules?: Partial<EventRules> } = {}): OptionsForm {
  const rules = { ...defaultEventRules, ...options.rules };
  const held = (rule: EventRules["phoneUse"], fallback: { minSeconds: number; minOverlap: number }): HeldRule =>
    rule === false ? { on: false, ...fallback } : { on: true, minSeconds: rule.minSeconds, minOverlap: rule.minOverlap };
  const defaultHeld = (rule: EventRules["phoneUse"]) => (rule === false ? { minSeconds: 1, minOverlap: 0.5 } : rule);
  return {
    profile: options.profile ?? DEFAULT_SCENE_PROFILE,
    fps: options.fps ?? DEFAULT_ANALYSIS_FPS,
    detectThreshold: options.detectThreshold ?? DEFAULT_THRESHOLDS.detect,
    trackHigh: options.tracker?.highThreshold?.toString() ?? "",
    trackMatch: options.tracker?.matchThreshold?.toString() ?? "",
    personPresent: rules.personPresent === false ? { on: false, minSeconds: 1 } : { on: true, minSeconds: rules.personPresent.minSeconds },
    phoneUse: held(rules.phoneUse, defaultHeld(defaultEventRules.phoneUse)),
    eatingDrinking: held(rules.eatingDrinking, defaultHeld(defaultEventRules.eatingDrinking)),
    entering: rules.entering,
    leaving: rules.leaving,
    mergeGapSeconds: rules.mergeGapSeconds,
    minTrackSeconds: rules.minTrackSeconds,
  };
}

/** The payload fields the form sets; `classVisible` rules of the stored payload are kept as given. */
export function optionsFromForm(form: OptionsForm, keep: { classVisible?: EventRules["classVisible"] } = {}): Record<string, unknown> {
  const tracker: Record<string, number> = {};
  if (form.trackHigh.trim()) tracker.highThreshold = Number(form.trackHigh);
  if (form.trackMatch.trim()) tracker.matchThreshold = Number(form.trackMatch);
  const held = (rule: HeldRule) => (rule.on ? { minSeconds: rule.minSeconds, minOverlap: rule.minOverlap } : false);
  return {
    profile: form.profile,
    fps: form.fps,
    detectThreshold: form.detectThreshold,
    tracker,
    rules: {
      personPresent: form.personPresent.on ? { minSeconds: form.personPresent.minSeconds } : false,
      phoneUse: held(form.phoneUse),
      eatingDrinking: held(form.eatingDrinking),
      entering: form.entering,
      leaving: form.leaving,
      classVisible: keep.classVisible ?? [],
      mergeGapSeconds: form.mergeGapSeconds,
      minTrackSeconds: form.minTrackSeconds,
    },
  };
}
