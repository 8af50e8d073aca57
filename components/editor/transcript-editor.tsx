"use client";

import { useState } from "react";
import { TranscriptPlayer, type Phrase } from "@/components/search/transcript-player";
import { FormError } from "@/components/upload/upload-progress";
import type { EditorSourceRef } from "@/lib/editor/get-transcript-job";
import { jobWords, startEditorJob, useEditorJob } from "./editor-job";
import { formatTime } from "@/components/analysis/format";

type Word = { word: string; start: number; end: number };
type Segment = { start: number; end: number; text: string };
/** An edit started from this page: a clip of a phrase or a rendered video. */
type Edit = { id: string; title: string };

/** A little air around a phrase, so its first and last sounds are not cut. */
const PAD = 0.2;

const shapes = [
  ["", "As it is"],
  ["9:16", "Tall (9:16)"],
  ["1:1", "Square (1:1)"],
  ["16:9", "Wide (16:9)"],
] as const;

const exportNames: Record<string, string> = { srt: "Subtitles (SRT)", vtt: "Subtitles (WebVTT)", txt: "Text", json: "Words with times (JSON)" };

/** The files an edit makes, in words (result_payload.files keys of generate_clip, render and export). */
const fileNames: Record<string, string> = {
  clip: "Download the clip",
  video: "Download the video",
  mp4: "Video (MP4)",
  mkv: "Video (MKV)",
  mov: "Video (MOV)",
  edl: "Cut list for editing software (EDL)",
  scenes_csv: "Scenes (CSV)",
  zip: "Everything (ZIP)",
};

/** One edit: its progress, then its video and its files to download. */
function EditCard({ edit }: { edit: Edit }) {
  const job = useEditorJob(edit.id);
  const files = job?.status === "completed" ? (job.result_payload?.files ?? {}) : {};
  const video = files.clip ?? files.clip_1 ?? files.video;
  return (
    <li className="space-y-2 rounded-lg border border-slate-200 bg-white p-3" data-testid="edit">
      <p className="text-sm font-medium">{edit.title}</p>
      <p className="text-sm text-slate-600" role="status" data-testid="edit-status">{jobWords(job)}</p>
      {video && <video src={video} controls preload="metadata" className="max-h-80 max-w-full rounded bg-black" data-testid="edit-video" />}
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {Object.entries(files)
          .filter(([kind]) => fileNames[kind] || /^clip_\d+$/.test(kind))
          .map(([kind, url]) => (
            <li key={kind}>
              <a href={url} download className="text-brand-700 underline">{fileNames[kind] ?? `Download clip ${kind.slice(5)}`}</a>
            </li>
          ))}
      </ul>
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
  const [container, setContainer] = useState("mp4");
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
                {formatTime(span.start)} – {formatTime(span.end)}
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
        <section className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="exports">
          <h2 className="font-medium">Export</h2>
          <div className="flex flex-wrap items-end gap-2 text-sm">
            <div>
              <label htmlFor="export-container" className="block font-medium">The video as</label>
              <select id="export-container" value={container} onChange={(e) => setContainer(e.target.value)} className="mt-1 rounded-md border border-slate-300 bg-white px-3 py-2">
                {["mp4", "mkv", "mov"].map((value) => (
                  <option key={value} value={value}>{value.toUpperCase()}</option>
                ))}
              </select>
            </div>
            <button
              type="button"
              disabled={busy}
              onClick={() => void start("export", { formats: [container, "edl", "scenes_csv"] }, `Export: the video as ${container.toUpperCase()}, its cut list and scenes`)}
              className="rounded-md border border-slate-300 px-3 py-2 hover:bg-slate-50 disabled:opacity-60"
            >
              Export the video and its cuts
            </button>
          </div>
          <h3 className="text-sm font-medium">The transcript</h3>
          <ul className="space-y-1 text-sm" data-testid="transcript-exports">
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
