/**
 * The transcript every engine produces (issue 14): words with times in seconds from the start
 * of the video, segments (one per stretch of speech the VAD found, or the remote engine's
 * own), and the writers for its files. `confidence` is the recogniser's word posterior (0..1),
 * null where the engine gives none (OpenAI-compatible servers).
 */
export type TranscriptWord = { word: string; start: number; end: number; confidence: number | null };
export type TranscriptSegment = { start: number; end: number; text: string };
export type Transcript = {
  engine: string;
  language: string;
  text: string;
  duration: number;
  words: TranscriptWord[];
  segments: TranscriptSegment[];
};

/** A caption cue: a few words on screen together. */
export type Cue = { start: number; end: number; text: string };

/**
 * Groups words into cues of at most `maxChars` characters and `maxSeconds`, never across a
 * pause longer than `maxGap` (a new sentence usually starts there). Phones read two short
 * lines comfortably: 32 characters default.
 */
export function cuesFromWords(words: TranscriptWord[], options: { maxChars?: number; maxSeconds?: number; maxGap?: number } = {}): Cue[] {
  const maxChars = options.maxChars ?? 32;
  const maxSeconds = options.maxSeconds ?? 4;
  const maxGap = options.maxGap ?? 0.6;
  const cues: Cue[] = [];
  let current: TranscriptWord[] = [];
  const flush = () => {
    if (current.length) cues.push({ start: current[0].start, end: current.at(-1)!.end, text: current.map((w) => w.word).join(" ") });
    current = [];
  };
  for (const word of words) {
    const last = current.at(-1);
    if (last) {
      const length = current.reduce((sum, w) => sum + w.word.length + 1, 0) + word.word.length;
      if (length > maxChars || word.end - current[0].start > maxSeconds || word.start - last.end > maxGap) flush();
    }
    current.push(word);
  }
  flush();
  return cues;
}

/** Cues from a transcript: its words when it has them, else its segments. */
export function transcriptCues(transcript: Pick<Transcript, "words" | "segments">): Cue[] {
  return transcript.words.length ? cuesFromWords(transcript.words) : transcript.segments.map((s) => ({ ...s }));
}

function clock(seconds: number, separator: "," | "."): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/** SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line between. */
export function toSrt(cues: Cue[]): string {
  return cues.map((cue, index) => `${index + 1}\n${clock(cue.start, ",")} --> ${clock(cue.end, ",")}\n${cue.text}\n`).join("\n");
}

/** WebVTT: the `WEBVTT` header, `HH:MM:SS.mmm` times; `-->` cannot appear in cue text. */
export function toVtt(cues: Cue[]): string {
  return `WEBVTT\n\n${cues.map((cue) => `${clock(cue.start, ".")} --> ${clock(cue.end, ".")}\n${cue.text.replaceAll("-->", "->")}\n`).join("\n")}`;
}

/** Plain text: one line per segment. */
export function toTxt(transcript: Pick<Transcript, "segments">): string {
  return transcript.segments.map((segment) => segment.text).filter(Boolean).join("\n") + "\n";
}

export { clock as formatClock };
