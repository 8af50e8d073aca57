"use client";

import { useEffect, useRef, useState } from "react";

type Segment = { start: number; end: number; text: string };
type Word = { word: string; start: number; end: number };
/** Word indices, first and last, of the phrase picked in the transcript. */
export type Phrase = { from: number; to: number };

/** Seconds as m:ss. */
function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** Each segment's words (by index into `words`): those that start inside it. */
function wordsBySegment(segments: Segment[], words: Word[]): number[][] {
  return segments.map((segment, index) => {
    const end = index === segments.length - 1 ? Infinity : segments[index + 1].start;
    return words.flatMap((word, at) => (word.start >= segment.start - 0.01 && word.start < end ? [at] : []));
  });
}

/**
 * A transcript beside its audio: the audio opens at `startAt`, the segment being spoken is
 * marked as the audio plays, and each segment's time seeks there. The segment at `startAt` is
 * scrolled into view so the words a search found are on screen without playing anything.
 * With `words`, each word is a button that seeks to it and tells `onWord` (the editor picks a
 * phrase with it); the words of `phrase` are marked.
 */
export function TranscriptPlayer({
  audio,
  segments,
  startAt,
  language,
  words = [],
  phrase = null,
  onWord,
}: {
  audio: string;
  segments: Segment[];
  startAt: number;
  language: string;
  words?: Word[];
  phrase?: Phrase | null;
  onWord?: (index: number) => void;
}) {
  const player = useRef<HTMLAudioElement>(null);
  const [now, setNow] = useState(startAt);
  const current = segments.findIndex((segment) => now >= segment.start && now < Math.max(segment.end, segment.start + 0.1));

  useEffect(() => {
    const element = player.current;
    if (!element) return;
    const seek = () => {
      element.currentTime = startAt;
    };
    if (element.readyState >= 1) seek();
    else element.addEventListener("loadedmetadata", seek, { once: true });
    document.querySelector(`[data-segment-start="${segments.find((s) => startAt < s.end)?.start ?? -1}"]`)?.scrollIntoView({ block: "center" });
    return () => element.removeEventListener("loadedmetadata", seek);
  }, [startAt, segments]);

  const grouped = wordsBySegment(segments, words);
  const seekTo = (seconds: number) => {
    if (player.current) player.current.currentTime = seconds;
    setNow(seconds);
  };

  return (
    <div className="space-y-4">
      <audio ref={player} src={audio} controls preload="metadata" className="w-full" onTimeUpdate={(event) => setNow(event.currentTarget.currentTime)} data-testid="transcript-audio" />
      <ol lang={language} className="space-y-1">
        {segments.map((segment, index) => (
          <li
            key={`${segment.start}-${index}`}
            data-segment-start={segment.start}
            aria-current={index === current ? "true" : undefined}
            className={`flex gap-3 rounded-md px-2 py-1 ${index === current ? "bg-amber-100" : ""}`}
            data-testid="transcript-segment"
          >
            <button type="button" onClick={() => seekTo(segment.start)} className="shrink-0 font-mono text-sm text-brand-700 underline">
              {clock(segment.start)}
            </button>
            {grouped[index].length ? (
              <span className="flex flex-wrap gap-x-0.5">
                {grouped[index].map((at) => {
                  const word = words[at];
                  const picked = phrase !== null && at >= phrase.from && at <= phrase.to;
                  const playing = now >= word.start && now < word.end;
                  return (
                    <button
                      key={at}
                      type="button"
                      aria-pressed={picked}
                      onClick={() => {
                        seekTo(word.start);
                        onWord?.(at);
                      }}
                      className={`rounded px-0.5 hover:bg-brand-50 ${picked ? "bg-brand-600 text-white hover:bg-brand-700" : playing ? "underline" : ""}`}
                      data-testid="transcript-word"
                    >
                      {word.word}
                    </button>
                  );
                })}
              </span>
            ) : (
              <span>{segment.text}</span>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
