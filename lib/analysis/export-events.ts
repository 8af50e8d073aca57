import type { Db } from "@/lib/db/client";
import type { Job } from "@/lib/db/schema";
import { listEvents, type EventFilter } from "./list-events";
import { toCabinEvent } from "./serializers/cabin-events";
import { csvHeader, csvRow } from "./viewer/events-csv";

/** Events read per query while an export streams. */
const BATCH = 200;

export type EventExportFormat = "json" | "csv";

/**
 * Every event of a job as a download, written as it is read (BATCH events at a time), never
 * held whole: JSON is `{ job_id, trip_id, events: [cabin-events event, ...] }`, CSV one row per
 * event (lib/analysis/viewer/events-csv.ts). Rejected events (false_positive) are left out unless
 * the filter includes them.
 */
export function exportEvents(db: Db, job: Job, format: EventExportFormat, base: string, filter: EventFilter = {}): ReadableStream<Uint8Array> {
  const mediaBase = `${base}/api/jobs/${job.id}/media`;
  const encoder = new TextEncoder();
  let offset = 0;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(format === "csv" ? csvHeader() : `{"job_id":${JSON.stringify(job.id)},"trip_id":${JSON.stringify(job.tripId)},"events":[`));
      }
      const { items } = await listEvents(db, job.id, { offset, limit: BATCH }, filter);
      const text = items
        .map((event, i) => {
          const wire = toCabinEvent(event, mediaBase, job);
          return format === "csv" ? csvRow(wire) : `${offset + i === 0 ? "" : ","}${JSON.stringify(wire)}`;
        })
        .join("");
      offset += items.length;
      if (text) controller.enqueue(encoder.encode(text));
      if (items.length < BATCH) {
        if (format === "json") controller.enqueue(encoder.encode("]}"));
        controller.close();
      }
    },
  });
}
