"use client";

import { useEffect, useRef, useState } from "react";
import { ENHANCE_PRESETS, type EnhancePreset } from "@/lib/media/enhance-presets";
import type { VideoMetadata } from "@/lib/media/metadata";
import { DropZone, VIDEO_ACCEPT } from "@/components/upload/drop-zone";
import { detailOf, percentOf, sendForm, startErrorInWords } from "@/components/upload/send-form";
import { UploadProgress } from "@/components/upload/upload-progress";

const PROCESSES = [
  { type: "video_enhancement", label: "Video enhancement" },
  { type: "metadata_extraction", label: "Metadata extraction" },
] as const;

type ProcessState = { status: string; progress: number; error: string | null };
type Figures = { sharpness: number; noise: number; mean_luma: number; contrast: number };
type Enhancement = { preset: string; reasons: string[]; filters: string; before: Figures; after: Figures };
/** The metadata file as lib/media/metadata.ts writes it (contracts/enhance-metadata.md). */
type Metadata = VideoMetadata;

function randomClientId(): string {
  return `web-${crypto.randomUUID()}`;
}

export function EnhanceStudio() {
  const [file, setFile] = useState<File | null>(null);
  const [preset, setPreset] = useState<EnhancePreset>("auto");
  const [uploadPercent, setUploadPercent] = useState<number | null>(null);
  const [fileId, setFileId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [processes, setProcesses] = useState<Record<string, ProcessState>>({});
  const [enhancedUrl, setEnhancedUrl] = useState<string | null>(null);
  const [metadataUrl, setMetadataUrl] = useState<string | null>(null);
  const [metadata, setMetadata] = useState<Metadata | null>(null);
  const [enhancement, setEnhancement] = useState<Enhancement | null>(null);
  const [originalUrl, setOriginalUrl] = useState<string | null>(null);
  const socket = useRef<WebSocket | null>(null);
  const clientId = useRef<string>("");

  useEffect(() => () => socket.current?.close(), []);

  // When a process completes, fetch its status answer (result URL, figures) and its result.
  useEffect(() => {
    if (!fileId) return;
    if (processes.video_enhancement?.status === "completed" && !enhancedUrl) {
      fetch(`/internal/video-enhancement-status/${fileId}`)
        .then((response) => response.json())
        .then((status) => {
          setEnhancedUrl(new URL(status.result_url).pathname);
          setEnhancement(status.enhancement ?? null);
        })
        .catch(() => setError("Could not read the enhancement status"));
    }
    if (processes.metadata_extraction?.status === "completed" && !metadataUrl) {
      fetch(`/internal/metadata-extraction-status/${fileId}`)
        .then((response) => response.json())
        .then(async (status) => {
          const url = new URL(status.result_url).pathname;
          setMetadataUrl(url);
          setMetadata(await (await fetch(url)).json());
        })
        .catch(() => setError("Could not read the metadata"));
    }
  }, [fileId, processes, enhancedUrl, metadataUrl]);

  function connect(): Promise<void> {
    socket.current?.close();
    clientId.current = randomClientId();
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/${clientId.current}`);
    socket.current = ws;
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "status_update") {
        setProcesses((current) => ({ ...current, [message.process_type]: { status: message.status, progress: message.progress, error: message.error } }));
      }
    };
    return new Promise((resolve) => {
      ws.onopen = () => resolve();
      ws.onerror = () => resolve(); // the status endpoints still answer; uploading goes on
    });
  }

  async function upload(event: React.FormEvent) {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setFileId(null);
    setProcesses({});
    setEnhancedUrl(null);
    setMetadataUrl(null);
    setMetadata(null);
    setEnhancement(null);
    if (originalUrl) URL.revokeObjectURL(originalUrl);
    setOriginalUrl(URL.createObjectURL(file));
    await connect();
    const form = new FormData();
    form.append("client_id", clientId.current);
    form.append("preset", preset);
    form.append("file", file);
    setUploadPercent(0);
    const { status, body } = await sendForm("/upload", form, (loaded, total) => setUploadPercent(percentOf(loaded, total)));
    setUploadPercent(null);
    if (status === 200 && typeof body?.file_id === "string") setFileId(body.file_id);
    else setError(startErrorInWords(status, detailOf(body), "the enhancement"));
  }

  return (
    <div className="space-y-6">
      <form onSubmit={upload} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <DropZone label="Video file" hint="MP4, MOV, MKV or AVI" accept={VIDEO_ACCEPT} files={file ? [file] : []} onChoose={([chosen]) => (setFile(chosen), setError(null))} onRefuse={setError} />
        <div className="flex flex-wrap items-end gap-4">
          <label className="text-sm">
            <span className="block font-medium">Preset</span>
            <select aria-label="Preset" value={preset} onChange={(event) => setPreset(event.target.value as EnhancePreset)} className="mt-1 rounded-md border border-slate-300 px-2 py-1.5">
              {ENHANCE_PRESETS.map((name) => (
                <option key={name} value={name}>{name}</option>
              ))}
            </select>
          </label>
          <button disabled={!file || uploadPercent !== null} className="flex-1 rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">
            Upload and enhance
          </button>
        </div>
        {uploadPercent !== null && <UploadProgress percent={uploadPercent} />}
      </form>

      {error && <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">{error}</p>}

      {fileId && (
        <section className="grid gap-4 md:grid-cols-2">
          {PROCESSES.map(({ type, label }) => {
            const state = processes[type] ?? { status: "pending", progress: 0, error: null };
            return (
              <div key={type} className="rounded-lg border border-slate-200 bg-white p-4" data-testid={`process-${type}`}>
                <div className="flex justify-between text-sm">
                  <span className="font-medium">{label}</span>
                  <span data-testid={`status-${type}`}>{state.status}</span>
                </div>
                <Bar percent={state.progress} label={`${label} progress`} />
                {state.error && <p className="mt-2 text-sm text-red-700">{state.error}</p>}
              </div>
            );
          })}
        </section>
      )}

      {enhancedUrl && originalUrl && <SplitView before={originalUrl} after={enhancedUrl} />}

      {enhancement && (
        <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
          <h2 className="mb-2 font-medium">What the enhancement measured and chose ({enhancement.preset})</h2>
          <table className="mb-3 w-full max-w-md" data-testid="figures">
            <thead><tr className="text-left text-slate-500"><th>figure</th><th>before</th><th>after</th></tr></thead>
            <tbody>
              {(["sharpness", "noise", "mean_luma", "contrast"] as const).map((key) => (
                <tr key={key}><td>{key === "mean_luma" ? "brightness" : key}</td><td>{enhancement.before[key]}</td><td>{enhancement.after[key]}</td></tr>
              ))}
            </tbody>
          </table>
          <ul className="list-disc pl-5 text-slate-600">{enhancement.reasons.map((reason) => <li key={reason}>{reason}</li>)}</ul>
          <code className="mt-2 block break-all text-xs text-slate-500">{enhancement.filters}</code>
        </section>
      )}

      {metadata && (
        <section className="grid gap-4 md:grid-cols-2">
          <div className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <h2 className="mb-2 font-medium">Metadata</h2>
            <table className="w-full" data-testid="metadata-table">
              <tbody>
                {[
                  ["file", metadata.filename],
                  ["format", metadata.format],
                  ["resolution", `${metadata.resolution.width} x ${metadata.resolution.height}`],
                  ["fps", metadata.fps],
                  ["frames", metadata.frame_count],
                  ["duration (s)", metadata.duration_seconds],
                  ["size (bytes)", metadata.file_size_bytes],
                  ["bit rate", metadata.bit_rate],
                  ["average colour (r, g, b)", `${metadata.color_profile.average_color.r}, ${metadata.color_profile.average_color.g}, ${metadata.color_profile.average_color.b}`],
                ].map(([key, value]) => (
                  <tr key={String(key)}><td className="pr-4 text-slate-500">{key}</td><td>{value}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
          <Histogram histograms={metadata.color_profile.histograms} />
        </section>
      )}

      {(enhancedUrl || metadataUrl) && (
        <div className="flex gap-4 text-sm">
          {enhancedUrl && <a className="text-brand-600 hover:underline" href={enhancedUrl} download>Download the enhanced video</a>}
          {metadataUrl && <a className="text-brand-600 hover:underline" href={metadataUrl} download>Download the metadata (JSON)</a>}
        </div>
      )}
    </div>
  );
}

function Bar({ percent, label }: { percent: number; label: string }) {
  return (
    <div className="mt-2 min-w-48 flex-1">
      <div className="h-2 rounded bg-slate-100" role="progressbar" aria-label={label} aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
        <div className="h-2 rounded bg-brand-600 transition-all" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/** The enhanced video over the original, cut at a slider: left of it is before, right is after. */
function SplitView({ before, after }: { before: string; after: string }) {
  const [split, setSplit] = useState(50);
  const original = useRef<HTMLVideoElement>(null);
  const enhanced = useRef<HTMLVideoElement>(null);
  // The enhanced video is the one with controls; the original follows it.
  const follow = () => {
    const a = enhanced.current;
    const b = original.current;
    if (!a || !b) return;
    if (Math.abs(b.currentTime - a.currentTime) > 0.15) b.currentTime = a.currentTime;
    if (a.paused !== b.paused) void (a.paused ? b.pause() : b.play());
  };
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4" data-testid="split-view">
      <div className="relative">
        <video ref={original} src={before} muted playsInline className="w-full" />
        <video
          ref={enhanced}
          src={after}
          controls
          muted
          playsInline
          onTimeUpdate={follow}
          onPlay={follow}
          onPause={follow}
          onSeeked={follow}
          className="absolute inset-0 h-full w-full"
          style={{ clipPath: `inset(0 0 0 ${split}%)` }}
        />
        <div className="pointer-events-none absolute inset-y-0 w-0.5 bg-white" style={{ left: `${split}%` }} />
      </div>
      <label className="mt-2 flex items-center gap-3 text-sm text-slate-600">
        before
        <input type="range" min={0} max={100} value={split} onChange={(event) => setSplit(Number(event.target.value))} aria-label="Before/after split" className="flex-1" />
        after
      </label>
    </section>
  );
}

function Histogram({ histograms }: { histograms: Record<"b" | "g" | "r", number[]> }) {
  const peak = Math.max(...(["r", "g", "b"] as const).flatMap((channel) => histograms[channel]), 1e-9);
  const points = (values: number[]) => values.map((value, index) => `${index},${100 - (value / peak) * 100}`).join(" ");
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 className="mb-2 font-medium">Colour histograms</h2>
      <svg viewBox="0 0 255 100" preserveAspectRatio="none" className="h-48 w-full" data-testid="histogram" role="img" aria-label="Red, green and blue histograms">
        {(["r", "g", "b"] as const).map((channel) => (
          <polyline key={channel} points={points(histograms[channel])} fill="none" strokeWidth={0.8} vectorEffect="non-scaling-stroke" stroke={{ r: "#dc2626", g: "#16a34a", b: "#2563eb" }[channel]} />
        ))}
      </svg>
      <p className="text-xs text-slate-500">Share of pixels per level 0-255, over every frame.</p>
    </div>
  );
}
