"use client";

import Link from "next/link";
import { useState } from "react";
import { DropZone } from "@/components/upload/drop-zone";
import { detailOf, sendForm } from "@/components/upload/send-form";
import { FormError } from "@/components/upload/upload-progress";
import { bestImageHits, imageHit, type FrameHit, type SearchHit } from "@/lib/search/hits";
import { HitCard } from "./hit-card";

export type SearchableJob = { id: string; label: string };

/** A failed search said in words. */
function searchErrorInWords(status: number, detail: string | undefined): string {
  if (status === 0) return "The connection dropped: check the network and try again";
  if (status === 415 || /not an image/i.test(detail ?? "")) return "That file is not a picture: choose a JPEG, PNG or WebP image";
  if (status === 413) return "That picture is too large: choose a smaller one";
  if (status === 404) return "Those videos are no longer there: reload the page and choose others";
  if (status === 503) return "The search is not available right now: try again in a moment";
  return detail && status < 500 ? detail : "The search failed: try again in a moment";
}

/** The choice that searches every feature extraction listed. */
const ALL = "all";

/** How many frames a search shows, over all the extractions searched. */
const SHOWN = 12;

/**
 * Search by product picture (issue 25 item 5): a picture is compared with every frame of the
 * feature extractions the caller may see, all of them or the one chosen (POST
 * /features/search/image per extraction: the same vector search as the API, then checked by
 * matching points); the hits of all are merged, best first, and each shows its frame and opens
 * the review there.
 */
export function ImageSearch({ jobs }: { jobs: SearchableJob[] }) {
  const [jobId, setJobId] = useState(jobs.length > 1 ? ALL : (jobs[0]?.id ?? ""));
  const [picture, setPicture] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (jobs.length === 0) {
    return (
      <p className="text-sm text-slate-600" data-testid="image-search-none">
        To search by picture, first <Link href="/features/new" className="text-brand-700 underline">extract features</Link> from some videos.
      </p>
    );
  }

  function choose(file: File) {
    if (preview) URL.revokeObjectURL(preview);
    setPicture(file);
    setPreview(URL.createObjectURL(file));
    setError(null);
  }

  async function search(event: React.FormEvent) {
    event.preventDefault();
    if (!picture) return setError("Choose a picture first");
    setBusy(true);
    setError(null);
    const searched = jobId === ALL ? jobs.map((job) => job.id) : [jobId];
    const found: { hit: FrameHit; jobId: string }[] = [];
    for (const id of searched) {
      const form = new FormData();
      form.set("job_id", id);
      form.set("limit", String(SHOWN));
      form.set("image", picture);
      const { status, body } = await sendForm("/features/search/image", form, () => {});
      if (status !== 200) {
        setBusy(false);
        return setError(searchErrorInWords(status, detailOf(body)));
      }
      for (const hit of (body?.items ?? []) as FrameHit[]) found.push({ hit, jobId: id });
    }
    const best = bestImageHits(found, SHOWN);
    const titles = new Map<string, string | null>();
    for (const id of new Set(best.map((found) => found.jobId))) {
      const videos = await fetch(`/jobs/${id}/videos?limit=100`)
        .then(async (response) => (response.ok ? ((await response.json()) as { items: { video_id: string; title: string | null }[] }).items : []))
        .catch(() => []);
      for (const video of videos) titles.set(`${id}/${video.video_id}`, video.title);
    }
    setHits(best.map(({ hit, jobId: id }) => imageHit(id, hit, titles.get(`${id}/${hit.video_id}`) ?? null)));
    setBusy(false);
  }

  return (
    <div className="space-y-4">
      <form onSubmit={search} className="grid gap-4 md:grid-cols-[2fr_1fr]" data-testid="image-search">
        <DropZone label="Product picture" what="a picture" hint="JPEG, PNG or WebP of the product" accept="image/*" files={picture ? [picture] : []} onChoose={([file]) => choose(file)} testId="picture-drop-zone" inputTestId="picture-file" />
        <div className="flex flex-col gap-3">
          {preview && (
            // eslint-disable-next-line @next/next/no-img-element -- the chosen file, shown from memory
            <img src={preview} alt="The picture to search for" className="max-h-32 w-fit rounded border border-slate-200 object-contain" />
          )}
          <div>
            <label htmlFor="image-search-job" className="block text-sm font-medium text-slate-700">In the videos of</label>
            <select id="image-search-job" value={jobId} onChange={(e) => setJobId(e.target.value)} className="mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2">
              {jobs.length > 1 && <option value={ALL}>All your feature extractions ({jobs.length})</option>}
              {jobs.map((job) => (
                <option key={job.id} value={job.id}>{job.label}</option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={busy} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {busy ? (jobId === ALL ? `Searching ${jobs.length} extractions…` : "Searching…") : "Search by picture"}
          </button>
        </div>
      </form>
      <FormError message={error} testId="image-search-error" />
      {hits &&
        (hits.length === 0 ? (
          <p data-testid="search-empty">No frame looks like this picture.</p>
        ) : (
          <section aria-label="Frames found">
            <p className="text-sm text-slate-600" data-testid="image-search-count" role="status">
              {hits.length} {hits.length === 1 ? "frame" : "frames"} found, most alike first
            </p>
            <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {hits.map((hit) => (
                <li key={hit.href}>
                  <HitCard hit={hit} />
                </li>
              ))}
            </ul>
          </section>
        ))}
    </div>
  );
}
