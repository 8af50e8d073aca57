"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { rerunJobAction } from "@/app/job-actions";
import { zoneErrorInWords, zoneProblems, zonesToSend, type Zone } from "@/lib/analysis/zone-geometry";
import { ZoneEditor, zoneColours } from "./zone-editor";
import type { ViewerEvent } from "./types";

const zoneEventKinds = { "zone entered": "entered", "zone left": "left", loitering: "stayed" } as const;

/** Per zone name, how many of the shown events entered it, left it or loitered in it. */
function countByZone(events: ViewerEvent[]): Map<string, Record<(typeof zoneEventKinds)[keyof typeof zoneEventKinds], number>> {
  const counts = new Map<string, { entered: number; left: number; stayed: number }>();
  for (const event of events) {
    const kind = zoneEventKinds[event.label as keyof typeof zoneEventKinds];
    if (!event.zone || !kind) continue;
    const row = counts.get(event.zone) ?? { entered: 0, left: 0, stayed: 0 };
    row[kind] += 1;
    counts.set(event.zone, row);
  }
  return counts;
}

/**
 * The zones a finished analysis ran with, each with its counts, and "Edit zones and run again":
 * the zone editor over a frame of the job's own video, starting from these zones, then a new
 * analysis through the job controls' re-run (lib/jobs/rerun-job.ts, which checks the payload
 * again) with only `zones` changed. The new analysis opens when it is queued. Only a browser or
 * account that may re-run the job (`mayRunAgain`) is offered the editor; the re-run checks again.
 */
export function ZonesPanel({ jobId, zones, events, mayRunAgain }: { jobId: string; zones: Zone[]; events: ViewerEvent[]; mayRunAgain: boolean }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Zone[]>(zones);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const counts = countByZone(events);

  function runAgain(event: React.FormEvent) {
    event.preventDefault();
    const problems = zoneProblems(draft);
    if (problems.length) return setError(`Check the zones: ${problems.join("; ")}`);
    setError(null);
    startTransition(async () => {
      const result = await rerunJobAction(jobId, { zones: zonesToSend(draft) });
      if (result.ok) router.push(`/analyses/${result.jobId}`);
      else setError(zoneErrorInWords(result.error) ?? result.error);
    });
  }

  return (
    <section aria-labelledby="zones-title" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6" data-testid="zones-panel">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="zones-title" className="text-lg font-medium">Zones</h2>
        {mayRunAgain && (
          <button
            type="button"
            aria-expanded={editing}
            aria-controls="zones-rerun-form"
            onClick={() => {
              setEditing(!editing);
              setDraft(zones);
              setError(null);
            }}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
          >
            {editing ? "Stop editing zones" : "Edit zones and run again"}
          </button>
        )}
      </div>
      {zones.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">This analysis ran without zones. Draw some to count who enters, leaves or stays in an area.</p>
      ) : (
        <ul className="mt-2 space-y-1 text-sm" data-testid="zone-counts">
          {zones.map((zone, z) => {
            const row = counts.get(zone.name) ?? { entered: 0, left: 0, stayed: 0 };
            return (
              <li key={zone.name} className="flex flex-wrap items-center gap-2" data-zone={zone.name} data-entered={row.entered} data-left={row.left} data-stayed={row.stayed}>
                <span aria-hidden="true" className="h-3 w-3 rounded-full" style={{ background: zoneColours[z % zoneColours.length] }} />
                <span className="font-medium">{zone.name}</span>
                <span className="text-slate-600">
                  {row.entered} entered · {row.left} left · {row.stayed} stayed
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {editing && (
        <form id="zones-rerun-form" onSubmit={runAgain} className="mt-4 space-y-4 border-t border-slate-100 pt-4">
          <ZoneEditor
            frameSrc={`/api/jobs/${jobId}/thumbnails/1?size=frame`}
            still
            zones={draft}
            onChange={(next) => {
              setDraft(next);
              setError(null);
            }}
            idPrefix="rerun"
          />
          <p className="text-sm text-slate-600">The new analysis uses the same video and options with these zones; this one stays as it is.</p>
          <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {pending ? "Starting…" : "Run again with these zones"}
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="zones-error">
          {error}
        </p>
      )}
    </section>
  );
}
