import type { TranscriptWord } from "@/lib/speech/transcript";

/**
 * Where a prompt's words are spoken: windows of the transcript whose words match the prompt's
 * in order (a word may be missed or misheard: at least 60% of the prompt's words, and its
 * first or last word among them). Each moment is cut on word boundaries: it starts half way
 * into the pause before its first word (at most `pad` earlier) and ends half way into the
 * pause after its last, so no word is cut, and snaps to a shot boundary within `pad`.
 */
export type Moment = { start: number; end: number; matched: string; score: number };

export function normaliseWord(word: string): string {
  return word.toLowerCase().replace(/[^a-z0-9']/g, "");
}

export function findSpokenMoments(
  words: TranscriptWord[],
  prompt: string,
  options: { duration: number; pad?: number; shotBoundaries?: number[]; max?: number } = { duration: Infinity },
): Moment[] {
  const pad = options.pad ?? 0.4;
  const target = prompt.split(/\s+/).map(normaliseWord).filter(Boolean);
  if (!target.length) return [];
  const heard = words.map((w) => normaliseWord(w.word));
  const candidates: { from: number; to: number; score: number }[] = [];
  const span = target.length + 2;
  for (let i = 0; i < heard.length; i++) {
    if (heard[i] !== target[0] && !target.includes(heard[i])) continue;
    // Greedy in-order match of the prompt's words inside a window starting here.
    let t = 0;
    let matched = 0;
    let last = i;
    let firstOrLast = false;
    for (let j = i; j < Math.min(heard.length, i + span) && t < target.length; j++) {
      const k = target.indexOf(heard[j], t);
      if (k === -1) continue;
      if (j === i && k > Math.ceil(target.length * 0.4)) break;
      if (k === 0 || k === target.length - 1) firstOrLast = true;
      matched++;
      t = k + 1;
      last = j;
    }
    const score = matched / target.length;
    if (score >= 0.6 && firstOrLast) candidates.push({ from: i, to: last, score });
  }
  candidates.sort((a, b) => b.score - a.score || a.from - b.from);
  const chosen: typeof candidates = [];
  for (const candidate of candidates) {
    if (chosen.some((c) => candidate.from <= c.to && candidate.to >= c.from)) continue;
    chosen.push(candidate);
    if (chosen.length >= (options.max ?? 5)) break;
  }
  return chosen
    .sort((a, b) => a.from - b.from)
    .map(({ from, to, score }) => {
      const before = from > 0 ? words[from - 1].end : 0;
      const after = to + 1 < words.length ? words[to + 1].start : options.duration;
      let start = Math.max((before + words[from].start) / 2, words[from].start - pad, 0);
      let end = Math.min((words[to].end + after) / 2, words[to].end + pad, options.duration);
      for (const boundary of options.shotBoundaries ?? []) {
        if (boundary <= words[from].start && boundary > start - pad && boundary >= before) start = Math.max(start, boundary);
        if (boundary >= words[to].end && boundary < end + pad && boundary <= after) end = Math.min(end, boundary);
      }
      return { start: round(start), end: round(end), matched: words.slice(from, to + 1).map((w) => w.word).join(" "), score: round(score) };
    });
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
