import { eventName } from "./event-names";

/**
 * How the gallery narrows, orders and pages events, and the rule for very short ones.
 *
 * The short-event rule: an event seen on fewer than MIN_EVENT_SAMPLES sampled frames (shorter
 * than that many sample intervals) is a flicker of the detector more often than something that
 * happened. Such events are kept out of the gallery and the timeline by default and counted
 * ("3 events under 0.4 s hidden"); one switch shows them. Nothing is deleted.
 */
export const MIN_EVENT_SAMPLES = 3;

export type GalleryEvent = { id?: string; label: string; start_time: number; end_time: number; confidence: number; track_ids: number[] };
export type GallerySort = "time" | "confidence";

/**
 * Shortest span that counts, in seconds: an event runs from its first to its last sampled
 * frame, so MIN_EVENT_SAMPLES samples cover one interval fewer.
 */
export function shortEventLimit(sampleInterval: number): number {
  return (MIN_EVENT_SAMPLES - 1) * sampleInterval;
}

/**
 * Events that are a moment by their nature, not a span: a zone's edge crossed, found only after
 * the person stayed on the new side for several samples (lib/analysis/events/detect-events.ts),
 * so never a flicker. The short-event rule leaves them alone, or every zone count would read 0.
 */
const momentLabels: ReadonlySet<string> = new Set(["zone entered", "zone left"]);

export function isShortEvent(event: GalleryEvent, sampleInterval: number): boolean {
  if (momentLabels.has(event.label)) return false;
  return event.end_time - event.start_time < shortEventLimit(sampleInterval) - 1e-6;
}

/**
 * Matches a search box: words must all appear in the label or its shown name ("phone",
 * "present"), or a word "#3" / "3" names one of the event's tracks.
 */
export function matchesSearch(event: GalleryEvent, query: string): boolean {
  const words = query.toLowerCase().trim().split(/\s+/).filter(Boolean);
  return words.every((word) => {
    const id = /^#?(\d+)$/.exec(word);
    if (id) return event.track_ids.includes(Number(id[1]));
    return `${event.label} ${eventName(event.label)}`.toLowerCase().includes(word);
  });
}

export function sortEvents<E extends GalleryEvent>(events: readonly E[], by: GallerySort): E[] {
  const sorted = [...events];
  if (by === "confidence") sorted.sort((a, b) => b.confidence - a.confidence || a.start_time - b.start_time);
  else sorted.sort((a, b) => a.start_time - b.start_time || b.confidence - a.confidence);
  return sorted;
}

export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(1, page), pages);
  return { items: items.slice((current - 1) * size, current * size), page: current, pages };
}
