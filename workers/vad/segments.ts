/**
 * Speech segments from Silero VAD's per-chunk probabilities (one per 512 samples at 16 kHz,
 * 32 ms), with hysteresis: speech starts above `onset` and ends once the probability has
 * stayed below `offset` for `minSilence` seconds. Segments shorter than `minSpeech` are
 * dropped; the rest are padded by `pad` on each side (clamped, never overlapping) so a
 * recogniser hears the first and last phoneme whole. Pure: the model run is silero.ts's.
 */
export const VAD_CHUNK = 512;
export const VAD_CONTEXT = 64;
export const VAD_RATE = 16000;

export type VadOptions = { onset: number; offset: number; minSilence: number; minSpeech: number; pad: number; maxSegment: number };
export const defaultVadOptions: VadOptions = { onset: 0.5, offset: 0.35, minSilence: 0.3, minSpeech: 0.25, pad: 0.2, maxSegment: 30 };

export type SpeechSegment = { start: number; end: number };

export function speechSegments(probabilities: ArrayLike<number>, duration: number, options: Partial<VadOptions> = {}): SpeechSegment[] {
  const o = { ...defaultVadOptions, ...options };
  const chunk = VAD_CHUNK / VAD_RATE;
  const raw: SpeechSegment[] = [];
  let start: number | null = null;
  let silentSince: number | null = null;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    const t = i * chunk;
    if (start === null) {
      if (p > o.onset) {
        start = t;
        silentSince = null;
      }
      continue;
    }
    if (p >= o.offset) {
      silentSince = null;
    } else if (silentSince === null) {
      silentSince = t;
    } else if (t + chunk - silentSince >= o.minSilence) {
      raw.push({ start, end: silentSince });
      start = null;
      silentSince = null;
    }
    // A long run of speech is split where it is quietest would be better; a hard cut keeps
    // each recogniser call bounded.
    if (start !== null && t + chunk - start >= o.maxSegment) {
      raw.push({ start, end: t + chunk });
      start = null;
      silentSince = null;
    }
  }
  if (start !== null) raw.push({ start, end: silentSince ?? Math.min(duration, probabilities.length * chunk) });
  const kept = raw.filter((segment) => segment.end - segment.start >= o.minSpeech);
  return kept.map((segment, index) => {
    const previous = kept[index - 1];
    const next = kept[index + 1];
    const lo = previous ? (previous.end + segment.start) / 2 : 0;
    const hi = next ? (segment.end + next.start) / 2 : duration;
    return { start: round(Math.max(lo, segment.start - o.pad)), end: round(Math.min(hi, segment.end + o.pad)) };
  });
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
