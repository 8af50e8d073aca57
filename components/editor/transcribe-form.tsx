"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { DropZone, VIDEO_ACCEPT } from "@/components/upload/drop-zone";
import { useUpload } from "@/components/upload/use-upload";
import { UploadFooter } from "@/components/upload/upload-progress";
import { startEditorJob } from "./editor-job";

/** Transcribe: the video is uploaded (POST /api/videos), then transcribed (POST /jobs/?job_type=transcribe). */
export function TranscribeForm() {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const { percent, error, setError, send, fail } = useUpload("the transcript");

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!file) return setError("Choose a video first");
    const form = new FormData();
    form.append("file", file);
    const body = await send("/api/videos", form, 200);
    if (!body) return;
    const started = await startEditorJob("transcribe", { source_asset_id: body.video_id });
    if ("id" in started) router.push(`/transcripts/${started.id}`);
    else fail(started.error);
  }

  return (
    <form onSubmit={submit} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm" data-testid="transcribe-form">
      <DropZone label="Video file" hint="MP4, MOV, MKV or AVI with speech in English" accept={VIDEO_ACCEPT} files={file ? [file] : []} onChoose={([chosen]) => (setFile(chosen), setError(null))} onRefuse={setError} />
      <UploadFooter percent={percent} error={error} action="Upload and transcribe" />
    </form>
  );
}
