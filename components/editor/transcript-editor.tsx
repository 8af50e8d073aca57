"use client";

import { useState } from "react";
import { TranscriptPlayer, type Phrase } from "@/components/search/transcript-player";
import { FormError } from "@/components/upload/upload-progress";
import type { EditorSourceRef } from "@/lib/editor/get-transcript-job";
import { jobWords, startEditorJob, useEditorJob } from "./editor-job";

type Word = { word: string; start: number; end: number };
type Segment = { start: number; end: number; text: string };
/** An edit started from this page: a clip of a phrase or a rendered video. */
type Edit = { id: string; title: string };

/** Seconds as m:ss.s. */
function clock(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${(seconds - minutes * 60).toFixed(1).padStart(4, "0")}`;
}

/** A little air around a phrase, so its first and last sounds are not cut. */
const PAD = 0.2;

const shapes = [
  ["", "As it is"],
  ["9:16", "Tall (9:16)"],
  ["1:1", "Square (1:1)"],
  ["16:9", "Wide (16:9)"],
] as const;

const exportNames: Record<string, string> = { srt: "Subtitles (SRT)", vtt: "Subtitles (WebVTT)", txt: "Text", json: "Words with times (JSON)" };

/** One edit: its progress, then its video and a download. */
function EditCard({ edit }: { edit: Edit }) {
  const job = useEditorJob(edit.id);
  const video = job?.status === "completed" ? (job.result_payload?.files?.clip ?? job.result_payload?.files?.clip_1 ?? job.result_payload?.files?.video) : undefined;
  return (
    <li className="space-y-2 rounded-lg border border-slate-200 bg-white p-3" data-testid="edit">
      <p className="text-sm font-medium">{edit.title}</p>
      <p className="text-sm text-slate-600" role="status" data-testid="edit-status">{jobWords(job)}</p>
      {video && (
        <>
          <video src={video} controls preload="metadata" className="max-h-80 max-w-full rounded bg-black" data-testid="edit-video" />
          <a href={video} download className="text-sm text-brand-700 underline">Download</a>
        </>
      )}
    </li>
  );
}

/**
 * The editor over a finished transcript: words to click (each seeks the audio; a second word
 * picks the phrase between them), a clip cut from the phrase (generate_clip), a video rendered
 * whole or from the phrase in a chosen shape with captions burnt in (render), and the
 * transcript's own exports. Every job goes through POST /jobs/ (contracts/editor-jobs.md).
 */
export function TranscriptEditor({
  audio,
  segments,
  words,
  startAt,
  language,
  files,
  source,
}: {
  audio: string;
  segments: Segment[];
  words: Word[];
  startAt: number;
  language: string;
  files: Record<string, string>;
  source: EditorSourceRef | null;
}) {
  const [phrase, setPhrase] = useState<Phrase | null>(null);
  const [edits, setEdits] = useState<Edit[]>([]);
  const [aspect, setAspect] = useState("");
  const [captions, setCaptions] = useState(true);
  const [onlyPhrase, setOnlyPhrase] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const pick = (index: number) =>
    setPhrase((current) => (current && current.from === current.to && current.from !== index ? { from: Math.min(current.from, index), to: Math.max(current.from, index) } : { from: index, to: index }));
  const text = phrase ? words.slice(phrase.from, phrase.to + 1).map((w) => w.word).join(" ") : "";
  const span = phrase ? { start: Math.max(0, words[phrase.from].start - PAD), end: words[phrase.to].end + PAD } : null;

  async function start(kind: string, payload: Record<string, unknown>, title: string) {
    if (!source) return setError("The video this transcript was made from is no longer known: transcribe it again to edit it");
    setBusy(true);
    setError(null);
    const started = await startEditorJob(kind, { ...source, ...payload });
    setBusy(false);
    if ("error" in started) return setError(started.error);
    setEdits((list) => [{ id: started.id, title }, ...list]);
  }

  const shapeName = shapes.find(([value]) => value === aspect)![1].toLowerCase();
  return (
    <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
      <div className="min-w-0 space-y-2">
        <p className="text-sm text-slate-600" id="words-hint">
          {words.length ? "Click a word to hear it. Click a second word to pick the phrase between them." : "Click a time to hear that part."}
        </p>
        <TranscriptPlayer audio={audio} segments={segments} startAt={startAt} language={language} words={words} phrase={phrase} onWord={pick} />
      </div>
      <aside className="space-y-4">
        <section className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="phrase-panel">
          <h2 className="font-medium">Phrase</h2>
          {phrase && span ? (
            <>
              <p className="break-words" data-testid="phrase-text">“{text}”</p>
              <p className="text-sm text-slate-600">
                {clock(span.start)} – {clock(span.end)}
              </p>
              <div className="flex flex-wrap gap-2">
                <button type="button" disabled={busy} onClick={() => void start("generate_clip", { start: span.start, end: span.end }, `Clip: “${text}”`)} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
                  Make a clip
                </button>
                <button type="button" onClick={() => setPhrase(null)} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
                  Clear
                </button>
              </div>
            </>
          ) : (
            <p className="text-sm text-slate-600">No phrase picked yet.</p>
          )}
        </section>
        <section className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="render-panel">
          <h2 className="font-medium">Make a video</h2>
          <div className="text-sm">
            <label htmlFor="render-shape" className="block font-medium">Shape</label>
            <select id="render-shape" value={aspect} onChange={(e) => setAspect(e.target.value)} className="mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2">
              {shapes.map(([value, name]) => (
                <option key={value} value={value}>{name}</option>
              ))}
            </select>
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={captions} onChange={(e) => setCaptions(e.target.checked)} /> Captions of what is said
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={onlyPhrase && phrase !== null} disabled={!phrase} onChange={(e) => setOnlyPhrase(e.target.checked)} /> Only the picked phrase
          </label>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void start(
                "render",
                { ...(aspect ? { aspect } : {}), captions, ...(onlyPhrase && span ? { segments: [{ in: span.start, out: span.end }] } : {}) },
                `Video, ${shapeName}${captions ? ", with captions" : ""}${onlyPhrase && span ? `: “${text}”` : ""}`,
              )
            }
            className="w-full rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
          >
            Make the video
          </button>
        </section>
        <FormError message={error} testId="editor-error" />
        {edits.length > 0 && (
          <section className="space-y-2">
            <h2 className="font-medium">Your edits</h2>
            <ul className="space-y-3">
              {edits.map((edit) => (
                <EditCard key={edit.id} edit={edit} />
              ))}
            </ul>
          </section>
        )}
        <section className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="exports">
          <h2 className="font-medium">Export the transcript</h2>
          <ul className="space-y-1 text-sm">
            {Object.entries(exportNames)
              .filter(([kind]) => files[kind])
              .map(([kind, name]) => (
                <li key={kind}>
                  <a href={files[kind]} download className="text-brand-700 underline">{name}</a>
                </li>
              ))}
          </ul>
        </section>
      </aside>
    </div>
  );
}
