"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { formErrorInWords, labelFromFileName, labelToSend, MAX_LABEL_LENGTH } from "@/lib/analysis/form-words";
import { formFromOptions, optionsFromForm, type OptionsForm } from "@/lib/analysis/options-form";
import { zoneProblems, zonesToSend, type Zone } from "@/lib/analysis/zone-geometry";
import { AnalysisOptionsFields } from "./analysis-options";
import { ZoneEditor } from "./zone-editor";
import { DropZone, VIDEO_ACCEPT } from "@/components/upload/drop-zone";
import { detailOf, percentOf, sendForm } from "@/components/upload/send-form";
import { UploadProgress } from "@/components/upload/upload-progress";

type Upload = { loaded: number; total: number } | null;

/** The options a form sends, collapsed until opened: every field starts at its default. */
function OptionsDisclosure({ value, onChange, idPrefix }: { value: OptionsForm; onChange: (next: OptionsForm) => void; idPrefix: string }) {
  return (
    <details className="rounded-lg border border-slate-200 px-4 py-3">
      <summary className="cursor-pointer text-sm font-medium">Analysis options <span className="font-normal text-slate-500">(scene, frame rate, thresholds, which events count)</span></summary>
      <div className="mt-4">
        <AnalysisOptionsFields value={value} onChange={onChange} idPrefix={idPrefix} />
      </div>
    </details>
  );
}

/**
 * The zones the analysis reports on, drawn over a frame of the chosen file itself (the browser
 * plays it from memory, nothing is uploaded for it). Collapsed until opened; opened by the form
 * when a zone needs fixing.
 */
function ZonesDisclosure({ frameSrc, zones, onChange, open, onToggle }: { frameSrc: string | null; zones: Zone[]; onChange: (next: Zone[]) => void; open: boolean; onToggle: (open: boolean) => void }) {
  return (
    <details className="rounded-lg border border-slate-200 px-4 py-3" open={open} onToggle={(event) => onToggle(event.currentTarget.open)} data-testid="zones-disclosure">
      <summary className="cursor-pointer text-sm font-medium">
        Zones (optional) <span className="font-normal text-slate-500">{zones.length ? `(${zones.length} drawn)` : "(areas of the frame: who entered, left or stayed)"}</span>
      </summary>
      <div className="mt-4">
        <ZoneEditor frameSrc={frameSrc} zones={zones} onChange={onChange} idPrefix="upload" />
      </div>
    </details>
  );
}

/**
 * The optional label of an analysis (the contract's `tripId`): a trip, a camera, a case. Left
 * empty, the form sends one made from the video's name, shown as the placeholder.
 */
function LabelField({ id, value, onChange, fallback }: { id: string; value: string; onChange: (next: string) => void; fallback: string | null }) {
  return (
    <div className="text-sm">
      <label htmlFor={id} className="block font-medium">
        Label <span className="font-normal text-slate-500">(trip, camera, case · optional)</span>
      </label>
      <input
        id={id}
        value={value}
        maxLength={MAX_LABEL_LENGTH}
        onChange={(e) => onChange(e.target.value)}
        placeholder={fallback ?? "e.g. Trip 12, Cabin camera 2"}
        aria-describedby={`${id}-hint`}
        className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20"
      />
      <p id={`${id}-hint`} className="mt-1 text-slate-500">
        Shown in the list of analyses and in exports, to find this one again. Left empty, the video&apos;s name is used.
      </p>
    </div>
  );
}

/**
 * Upload with a real progress bar (XHR upload events), or pick a video already on the server.
 * The drop zone is the one every upload form shares (components/upload/drop-zone.tsx).
 */
export function UploadForm() {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [label, setLabel] = useState("");
  const [upload, setUpload] = useState<Upload>(null);
  const [error, setError] = useState<string | null>(null);
  const [options, setOptions] = useState<OptionsForm>(() => formFromOptions());
  const [zones, setZones] = useState<Zone[]>([]);
  const [zonesOpen, setZonesOpen] = useState(false);
  // The chosen file as a URL the zone editor's <video> shows a frame of; freed when replaced.
  const [frameSrc, setFrameSrc] = useState<string | null>(null);

  function choose(candidate: File | undefined) {
    if (!candidate) return;
    setError(null);
    setFile(candidate);
    if (frameSrc) URL.revokeObjectURL(frameSrc);
    setFrameSrc(URL.createObjectURL(candidate));
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!file) return setError("Choose a video first");
    const problems = zoneProblems(zones);
    if (problems.length) {
      setZonesOpen(true);
      return setError(`Check the zones: ${problems.join("; ")}`);
    }
    const form = new FormData();
    form.append("tripId", labelToSend(label, file.name));
    form.append("options", JSON.stringify({ ...optionsFromForm(options), zones: zonesToSend(zones) }));
    form.append("cvvrFile", file);
    setError(null);
    setUpload({ loaded: 0, total: file.size });
    void sendForm("/api/jobs", form, (loaded, total) => setUpload({ loaded, total: total || file.size })).then(({ status, body }) => {
      if (status === 200 && typeof body?.job_id === "string") return router.push(`/analyses/${body.job_id}`);
      setUpload(null);
      setError(status === 0 ? "The connection dropped during the upload: check the network and try again" : formErrorInWords(status, detailOf(body)));
    });
  }

  const percent = upload ? percentOf(upload.loaded, upload.total) : 0;
  return (
    <form onSubmit={submit} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 className="text-lg font-medium">Upload a video</h2>
      <DropZone
        label="Video file"
        hint="MP4, MOV, MKV or AVI · at least 1 s and 320×240"
        accept={VIDEO_ACCEPT}
        files={file ? [file] : []}
        onChoose={(files) => choose(files[0])}
        onRefuse={setError}
      />
      <LabelField id="upload-label" value={label} onChange={setLabel} fallback={file ? labelFromFileName(file.name) : null} />
      <OptionsDisclosure value={options} onChange={setOptions} idPrefix="upload" />
      <ZonesDisclosure
        frameSrc={frameSrc}
        zones={zones}
        onChange={(next) => {
          setZones(next);
          // A message about the zones as they were would outlive its fix.
          setError(null);
        }}
        open={zonesOpen}
        onToggle={setZonesOpen}
      />
      {upload && <UploadProgress percent={percent} />}
      {error && <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="upload-error">{error}</p>}
      <button disabled={!!upload} className="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {upload ? "Uploading…" : "Upload and analyse"}
      </button>
    </form>
  );
}

/**
 * Videos already in VIDEO_INPUT_DIR: analysed in place, nothing uploaded. The page offers it only
 * when the folder is configured (app/(dashboard)/analyses/new/page.tsx).
 */
export function ServerVideoPicker() {
  const router = useRouter();
  const [videos, setVideos] = useState<string[] | null>(null);
  const [choice, setChoice] = useState("");
  const [label, setLabel] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [options, setOptions] = useState<OptionsForm>(() => formFromOptions());

  useEffect(() => {
    fetch("/api/jobs/server-videos")
      .then(async (response) => (response.ok ? (await response.json()).videos : []))
      .then((list: string[]) => setVideos(list))
      .catch(() => setVideos([]));
  }, []);

  async function start(event: React.FormEvent) {
    event.preventDefault();
    if (!choice) return setError("Choose a video first");
    setBusy(true);
    setError(null);
    const response = await fetch("/api/jobs/start", { method: "POST", body: new URLSearchParams({ tripId: labelToSend(label, choice), videoName: choice, options: JSON.stringify(optionsFromForm(options)) }) }).catch(() => null);
    const body = response ? await response.json().catch(() => null) : null;
    setBusy(false);
    if (response?.ok && body?.job_id) router.push(`/analyses/${body.job_id}`);
    else setError(formErrorInWords(response?.status ?? 0, body?.detail));
  }

  return (
    <form onSubmit={start} className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 className="text-lg font-medium">Or pick a video on the server</h2>
      {videos === null ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : videos.length === 0 ? (
        <p className="text-sm text-slate-500">The server&apos;s video folder has no videos yet: copy MP4, MOV, MKV or AVI files into it and reload.</p>
      ) : (
        <>
          <select value={choice} onChange={(e) => setChoice(e.target.value)} aria-label="Server video" data-testid="server-video-select" className="w-full rounded-md border border-slate-300 px-3 py-2">
            <option value="">Choose a video…</option>
            {videos.map((name) => (
              <option key={name} value={name}>{name}</option>
            ))}
          </select>
          <LabelField id="server-label" value={label} onChange={setLabel} fallback={choice ? labelFromFileName(choice) : null} />
          <OptionsDisclosure value={options} onChange={setOptions} idPrefix="server" />
          {error && <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="server-error">{error}</p>}
          <button disabled={busy || !choice} className="w-full rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-50 disabled:opacity-50">
            Analyse this video
          </button>
        </>
      )}
    </form>
  );
}
