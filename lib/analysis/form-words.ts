/**
 * What the browser's analysis forms say to a person. The cabin-events contract names its fields
 * (`tripId`, `cvvrFile`, `options.rules.phoneUse.minSeconds`) and its errors in those names; the
 * form shows the same facts in the words its own labels use. Plain TypeScript: client components
 * import it.
 */
import { zoneErrorInWords } from "./zone-geometry";

/** The longest label the form sends; the contract's field takes any text, a list cell does not. */
export const MAX_LABEL_LENGTH = 80;

/**
 * The label an analysis gets when the form's label is left empty: the file's name without its
 * extension, separators read as spaces ("cabin_cam-02.mp4" -> "cabin cam 02").
 */
export function labelFromFileName(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, "");
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const words = stem.replace(/[_\-.]+/g, " ").replace(/\s+/g, " ").trim();
  return (words || "Untitled video").slice(0, MAX_LABEL_LENGTH).trim();
}

/** The label the form sends: what was typed, or else one made from the file's name. */
export function labelToSend(typed: string, fileName: string): string {
  const trimmed = typed.trim();
  return trimmed ? trimmed.slice(0, MAX_LABEL_LENGTH) : labelFromFileName(fileName);
}

/** The options form's labels (components/analysis/analysis-options.tsx) for the payload's paths. */
const optionNames: Record<string, string> = {
  profile: "Scene",
  fps: "Frames per second sampled",
  detectThreshold: "Detection threshold",
  "tracker.highThreshold": "Tracker high threshold",
  "tracker.matchThreshold": "Tracker match threshold",
  "rules.personPresent.minSeconds": "Person present: minimum seconds",
  "rules.phoneUse.minSeconds": "Phone use: minimum seconds",
  "rules.phoneUse.minOverlap": "Phone use: minimum overlap",
  "rules.eatingDrinking.minSeconds": "Eating or drinking: minimum seconds",
  "rules.eatingDrinking.minOverlap": "Eating or drinking: minimum overlap",
  "rules.mergeGapSeconds": "Merge events closer than (seconds)",
  "rules.minTrackSeconds": "Ignore tracks shorter than (seconds)",
};

/**
 * An error answer of POST /api/jobs or /api/jobs/start as the form shows it. Known contract
 * messages get the form's words; a message already in plain words (the video checks of
 * lib/media/validate.ts) is shown as it is; nothing at all says what failed and what to try.
 */
export function formErrorInWords(status: number, detail: string | null | undefined): string {
  const text = (detail ?? "").trim();
  if (/^tripId is required$/i.test(text)) return "Give this analysis a name";
  if (/^(cvvrFile|videoName) is required$/i.test(text)) return "Choose a video first";
  if (/^Field tripId is too long$/i.test(text)) return `The label is too long: keep it under ${MAX_LABEL_LENGTH} characters`;
  if (/^options must be a JSON object$/i.test(text)) return "The analysis options could not be read: reload the page and try again";
  const zone = zoneErrorInWords(text);
  if (zone) return zone;
  const option = /^Invalid options(?: '([^']+)')?: (.*)$/.exec(text);
  if (option) {
    const name = option[1] ? (optionNames[option[1]] ?? option[1]) : null;
    return name ? `Check “${name}” in the analysis options: ${lowerFirst(option[2])}` : `Check the analysis options: ${lowerFirst(option[2])}`;
  }
  const tooLarge = /exceeds (\d+\s*[KMG]B) limit/i.exec(text);
  if (status === 413 || tooLarge) return `This file is too large${tooLarge ? `: the limit is ${tooLarge[1].replace(/(\d+)\s*([KMG]B)/i, "$1 $2")}` : ""}. Trim or compress it and try again`;
  if (status === 429) return "Too many analyses started for now: wait a while and try again";
  if (status === 401 || status === 403) return "You are not allowed to start an analysis here: sign in and try again";
  if (status === 404 && /video/i.test(text)) return "That video is no longer on the server: reload the page and pick another";
  if (text && status < 500) return text;
  return status >= 500 || status === 0 ? "The server could not start the analysis: try again in a moment" : `The analysis could not start (${status})`;
}

function lowerFirst(text: string): string {
  return text ? text[0].toLowerCase() + text.slice(1) : text;
}
