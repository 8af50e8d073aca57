"use client";

import { MAX_SAMPLE_FPS, TRACKER_DEFAULTS, type OptionsForm } from "@/lib/analysis/options-form";
import { SCENE_PROFILES, sceneProfileDescriptions, type SceneProfile } from "@/lib/tracking/scene-profiles";

const inputClass = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20";

/**
 * The analysis options (sampling rate, thresholds, event rules) as labelled fields, for the
 * upload form and the re-run form. `idPrefix` keeps ids unique when both are on one page.
 */
export function AnalysisOptionsFields({ value, onChange, idPrefix }: { value: OptionsForm; onChange: (next: OptionsForm) => void; idPrefix: string }) {
  const set = <K extends keyof OptionsForm>(key: K, next: OptionsForm[K]) => onChange({ ...value, [key]: next });
  const number = (raw: string) => (raw === "" ? Number.NaN : Number(raw));
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <div className="space-y-4 text-sm" data-testid={`${idPrefix}-options`}>
      <label className="block font-medium" htmlFor={id("profile")}>
        Scene
        <select id={id("profile")} value={value.profile} onChange={(e) => set("profile", e.target.value as SceneProfile)} className={inputClass}>
          {SCENE_PROFILES.map((profile) => (
            <option key={profile} value={profile}>
              {profile[0].toUpperCase() + profile.slice(1)}: {sceneProfileDescriptions[profile]}
            </option>
          ))}
        </select>
        <span className="mt-1 block font-normal text-slate-600">Only these kinds of things are tracked and reported.</span>
      </label>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="block font-medium" htmlFor={id("fps")}>
          Frames per second sampled
          <input id={id("fps")} type="number" min={0.1} max={MAX_SAMPLE_FPS} step={0.1} required value={Number.isNaN(value.fps) ? "" : value.fps} onChange={(e) => set("fps", number(e.target.value))} className={inputClass} />
        </label>
        <label className="block font-medium" htmlFor={id("detect")}>
          Detection threshold (0.05-0.95)
          <input id={id("detect")} type="number" min={0.05} max={0.95} step={0.01} required value={Number.isNaN(value.detectThreshold) ? "" : value.detectThreshold} onChange={(e) => set("detectThreshold", number(e.target.value))} className={inputClass} />
        </label>
        <label className="block font-medium" htmlFor={id("track-high")}>
          Tracker high threshold
          <input id={id("track-high")} type="number" min={0} max={1} step={0.01} placeholder={`default ${TRACKER_DEFAULTS.highThreshold}`} value={value.trackHigh} onChange={(e) => set("trackHigh", e.target.value)} className={inputClass} />
        </label>
        <label className="block font-medium" htmlFor={id("track-match")}>
          Tracker match threshold
          <input id={id("track-match")} type="number" min={0} max={1} step={0.01} placeholder={`default ${TRACKER_DEFAULTS.matchThreshold}`} value={value.trackMatch} onChange={(e) => set("trackMatch", e.target.value)} className={inputClass} />
        </label>
      </div>
      <fieldset className="rounded-lg border border-slate-200 p-3">
        <legend className="px-1 font-medium">Event rules</legend>
        <div className="space-y-3">
          <RuleRow
            label="Person present"
            id={id("person")}
            on={value.personPresent.on}
            onToggle={(on) => set("personPresent", { ...value.personPresent, on })}
            minSeconds={value.personPresent.minSeconds}
            onMinSeconds={(minSeconds) => set("personPresent", { ...value.personPresent, minSeconds })}
          />
          <RuleRow
            label="Phone use"
            id={id("phone")}
            on={value.phoneUse.on}
            onToggle={(on) => set("phoneUse", { ...value.phoneUse, on })}
            minSeconds={value.phoneUse.minSeconds}
            onMinSeconds={(minSeconds) => set("phoneUse", { ...value.phoneUse, minSeconds })}
            minOverlap={value.phoneUse.minOverlap}
            onMinOverlap={(minOverlap) => set("phoneUse", { ...value.phoneUse, minOverlap })}
          />
          <RuleRow
            label="Eating or drinking"
            id={id("eating")}
            on={value.eatingDrinking.on}
            onToggle={(on) => set("eatingDrinking", { ...value.eatingDrinking, on })}
            minSeconds={value.eatingDrinking.minSeconds}
            onMinSeconds={(minSeconds) => set("eatingDrinking", { ...value.eatingDrinking, minSeconds })}
            minOverlap={value.eatingDrinking.minOverlap}
            onMinOverlap={(minOverlap) => set("eatingDrinking", { ...value.eatingDrinking, minOverlap })}
          />
          <div className="flex flex-wrap gap-4">
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={value.entering} onChange={(e) => set("entering", e.target.checked)} /> Person entering
            </label>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={value.leaving} onChange={(e) => set("leaving", e.target.checked)} /> Person leaving
            </label>
          </div>
          <div className="grid gap-3 sm:grid-cols-2">
            <label className="block" htmlFor={id("merge-gap")}>
              Merge gaps up to (s)
              <input id={id("merge-gap")} type="number" min={0} step={0.1} required value={Number.isNaN(value.mergeGapSeconds) ? "" : value.mergeGapSeconds} onChange={(e) => set("mergeGapSeconds", number(e.target.value))} className={inputClass} />
            </label>
            <label className="block" htmlFor={id("min-track")}>
              Shortest track that enters or leaves (s)
              <input id={id("min-track")} type="number" min={0} step={0.1} required value={Number.isNaN(value.minTrackSeconds) ? "" : value.minTrackSeconds} onChange={(e) => set("minTrackSeconds", number(e.target.value))} className={inputClass} />
            </label>
          </div>
        </div>
      </fieldset>
    </div>
  );
}

function RuleRow(props: {
  label: string;
  id: string;
  on: boolean;
  onToggle: (on: boolean) => void;
  minSeconds: number;
  onMinSeconds: (value: number) => void;
  minOverlap?: number;
  onMinOverlap?: (value: number) => void;
}) {
  const number = (raw: string) => (raw === "" ? Number.NaN : Number(raw));
  return (
    <div className="flex flex-wrap items-end gap-3">
      <label className="flex min-w-40 items-center gap-2 font-medium">
        <input type="checkbox" checked={props.on} onChange={(e) => props.onToggle(e.target.checked)} /> {props.label}
      </label>
      <label className="w-32" htmlFor={`${props.id}-seconds`}>
        <span className="sr-only">{props.label}: </span>at least (s)
        <input id={`${props.id}-seconds`} type="number" min={0} step={0.1} disabled={!props.on} value={Number.isNaN(props.minSeconds) ? "" : props.minSeconds} onChange={(e) => props.onMinSeconds(number(e.target.value))} className={inputClass} />
      </label>
      {props.onMinOverlap && (
        <label className="w-32" htmlFor={`${props.id}-overlap`}>
          <span className="sr-only">{props.label}: </span>overlap (0-1)
          <input id={`${props.id}-overlap`} type="number" min={0} max={1} step={0.05} disabled={!props.on} value={Number.isNaN(props.minOverlap!) ? "" : props.minOverlap} onChange={(e) => props.onMinOverlap!(number(e.target.value))} className={inputClass} />
        </label>
      )}
    </div>
  );
}
