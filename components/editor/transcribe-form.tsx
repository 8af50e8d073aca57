"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { DropZone, VIDEO_ACCEPT } from "@/components/upload/drop-zone";
import { detailOf, percentOf, sendForm, startErrorInWords } from "@/components/upload/send-form";
import { FormError, UploadProgress } from "@/components/upload/upload-progress";
import { startEditorJob } from "./editor-job";

/** Transcribe: the video is uploaded (POST /api/videos), then transcribed (POST /jobs/?job_type=transcribe). */
export function TranscribeForm() {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!file) return setError("Choose a video first");
    const form = new FormData();
    form.append("file", file);
    setError(null);
    setPercent(0);
    const { status, body } = await sendForm("/api/videos", form, (loaded, total) => setPercent(percentOf(loaded, total)));
    if (status !== 200 || typeof body?.video_id !== "string") {
      setPercent(null);
      return setError(startErrorInWords(status, detailOf(body), "the transcript"));
    }
    const started = await startEditorJob("transcribe", { source_asset_id: body.video_id });
    if ("id" in started) return router.push(`/transcripts/${started.id}`);
    setPercent(null);
    setError(started.error);
  }

  return (
    <form onSubmit={submit} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm" data-testid="transcribe-form">
      <DropZone label="Video file" hint="MP4, MOV, MKV or AVI with speech in English" accept={VIDEO_ACCEPT} files={file ? [file] : []} onChoose={([chosen]) => (setFile(chosen), setError(null))} onRefuse={setError} />
      {percent !== null && <UploadProgress percent={percent} label={percent < 100 ? "Uploading…" : "Starting…"} />}
      <FormError message={error} />
      <button disabled={percent !== null} className="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {percent !== null ? "Uploading…" : "Upload and transcribe"}
      </button>
    </form>
  );
}
