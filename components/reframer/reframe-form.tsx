"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { DropZone, VIDEO_ACCEPT } from "@/components/upload/drop-zone";
import { useUpload } from "@/components/upload/use-upload";
import { UploadFooter } from "@/components/upload/upload-progress";

const shapes = [
  { aspect: "9:16", name: "Tall (9:16)", hint: "phones, stories" },
  { aspect: "1:1", name: "Square (1:1)", hint: "feeds" },
  { aspect: "4:5", name: "Portrait (4:5)", hint: "feeds" },
  { aspect: "16:9", name: "Wide (16:9)", hint: "screens" },
] as const;

/** The Reframe form: a video, the shape to cut it to, and how closely to look (frames a second). */
export function ReframeForm() {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [aspect, setAspect] = useState<string>("9:16");
  const [fps, setFps] = useState("5");
  const { percent, error, setError, send } = useUpload("the reframe");

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!file) return setError("Choose a video first");
    const form = new FormData();
    form.append("aspect", aspect);
    form.append("fps", fps);
    form.append("file", file);
    const body = await send("/api/reframes", form, 200);
    if (body) router.push(`/reframes/${String(body.job_id)}`);
  }

  return (
    <form onSubmit={submit} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm" data-testid="reframe-form">
      <DropZone label="Video file" hint="MP4, MOV, MKV or AVI · at least 1 s and 320×240" accept={VIDEO_ACCEPT} files={file ? [file] : []} onChoose={([chosen]) => (setFile(chosen), setError(null))} onRefuse={setError} />
      <fieldset>
        <legend className="text-sm font-medium">New shape</legend>
        <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
          {shapes.map((shape) => (
            <label key={shape.aspect} className={`flex cursor-pointer flex-col rounded-lg border px-3 py-2 text-sm ${aspect === shape.aspect ? "border-brand-600 bg-brand-50" : "border-slate-300"}`}>
              <span className="flex items-center gap-2">
                <input type="radio" name="aspect" value={shape.aspect} checked={aspect === shape.aspect} onChange={() => setAspect(shape.aspect)} />
                {shape.name}
              </span>
              <span className="text-xs text-slate-600">{shape.hint}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="text-sm">
        <label htmlFor="reframe-fps" className="block font-medium">
          Frames looked at per second
        </label>
        <input id="reframe-fps" type="number" min={1} max={30} step={1} value={fps} onChange={(e) => setFps(e.target.value)} aria-describedby="reframe-fps-hint" className="mt-1 w-28 rounded-md border border-slate-300 px-3 py-2" />
        <p id="reframe-fps-hint" className="mt-1 text-slate-600">More is finer but slower. 5 suits most videos.</p>
      </div>
      <UploadFooter percent={percent} error={error} action="Upload and reframe" />
    </form>
  );
}
