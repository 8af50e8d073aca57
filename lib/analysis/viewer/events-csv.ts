import type { toCabinEvent } from "../serializers/cabin-events";

/**
 * Events as CSV (RFC 4180: comma separated, CRLF, quotes doubled), one row per event, the
 * columns of the JSON export that fit in a cell. Pure: the export route streams its rows.
 */
export const eventCsvColumns = ["id", "label", "start_time", "end_time", "duration", "confidence", "track_ids", "best_frame_time", "snapshot_url", "clip_url"] as const;

export type CsvEvent = Pick<
  ReturnType<typeof toCabinEvent>,
  "id" | "label" | "start_time" | "end_time" | "duration" | "confidence" | "track_ids" | "best_frame_time" | "activityImageUrl" | "activityClipUrl"
>;

export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet: prefixed with a quote.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === "string" ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvHeader(): string {
  return `${eventCsvColumns.join(",")}\r\n`;
}

export function csvRow(event: CsvEvent): string {
  const cells = [event.id, event.label, event.start_time, event.end_time, event.duration, event.confidence, event.track_ids.join(" "), event.best_frame_time, event.activityImageUrl, event.activityClipUrl];
  return `${cells.map(csvCell).join(",")}\r\n`;
}
