/**
 * The viewer's numbers and names, computed once so that every place that shows them agrees:
 * the label chips, the timeline's legend, the events heading and the gallery all count the same
 * events, and the short events that are hidden are counted as hidden. Pure: the components and
 * the tests share it.
 */
import { isShortEvent, type GalleryEvent } from "./gallery";

export { eventName } from "./event-names";

export type CountedEvent = GalleryEvent & { id: string; review?: { verdict: string } | null };

/** Was the event reviewed as a false positive? Such events are kept to be seen, never counted. */
export function isRejected(event: { review?: { verdict: string } | null }): boolean {
  return event.review?.verdict === "false_positive";
}

export type EventCounts<E> = {
  /** The events the timeline and gallery show for every label: track and short filters applied. */
  visible: E[];
  /** How many of the track's events are short and hidden (0 while short ones are shown). */
  hiddenShort: number;
  /** Per label, the busiest first: what is shown and what is hidden as short. */
  labels: { label: string; shown: number; hiddenShort: number }[];
  /** The track's events reviewed as false positives: in no count above, short or not. */
  rejected: E[];
};

/**
 * One count per label. `trackEventIds` narrows to one track's events; `showShort` false leaves
 * out events under the short-event limit and counts them instead. A label whose events are
 * all hidden still has its row (0 shown), so its chip says where its events went. An event
 * reviewed as a false positive counts nowhere (as the API's listings leave it out) and is
 * returned apart, for the gallery to show it marked and undoable.
 */
export function countEvents<E extends CountedEvent>(events: readonly E[], sampleInterval: number, filter: { showShort: boolean; trackEventIds: readonly string[] | null }): EventCounts<E> {
  const ofTrack = filter.trackEventIds ? events.filter((event) => filter.trackEventIds!.includes(event.id)) : [...events];
  const rows = new Map<string, { label: string; shown: number; hiddenShort: number }>();
  const visible: E[] = [];
  const rejected: E[] = [];
  let hiddenShort = 0;
  for (const event of ofTrack) {
    if (isRejected(event)) {
      rejected.push(event);
      continue;
    }
    const row = rows.get(event.label) ?? { label: event.label, shown: 0, hiddenShort: 0 };
    rows.set(event.label, row);
    if (!filter.showShort && isShortEvent(event, sampleInterval)) {
      row.hiddenShort += 1;
      hiddenShort += 1;
    } else {
      row.shown += 1;
      visible.push(event);
    }
  }
  const labels = [...rows.values()].sort((a, b) => b.shown - a.shown || b.hiddenShort - a.hiddenShort || a.label.localeCompare(b.label));
  return { visible, hiddenShort, labels, rejected };
}

export type SpannedTrack = { first_seen: number; last_seen: number; event_ids: readonly string[] };

/**
 * A track's own events: those that involve it, each cut to the time the track was seen. A
 * "person present" event runs while anyone is in view; for one person it runs while that person
 * is. Events that do not overlap the track's span at all (a rule that names the track from a
 * moment just outside it) keep their own times.
 */
export function trackEvents<E extends CountedEvent>(track: SpannedTrack, events: readonly E[]): (E & { track_start: number; track_end: number })[] {
  return events
    .filter((event) => track.event_ids.includes(event.id))
    .map((event) => {
      const start = Math.max(event.start_time, track.first_seen);
      const end = Math.min(event.end_time, track.last_seen);
      return end >= start ? { ...event, track_start: start, track_end: end } : { ...event, track_start: event.start_time, track_end: event.end_time };
    })
    .sort((a, b) => a.track_start - b.track_start || a.label.localeCompare(b.label));
}

export type Rect = { x: number; y: number; width: number; height: number };
export type Size = { width: number; height: number };

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Where each box's caption goes: a tag of `tags[i]`'s size near box `i`, inside the frame and
 * over no other tag. It tries, in order, just above the box, inside its top edge, just below
 * it, inside its bottom edge, then further up and down the box's side in steps of one tag;
 * left-aligned with the box first, then right-aligned, each shifted into the frame. Boxes are
 * placed in the order given (the caller puts the one that matters first). A caption with no
 * free place is left out (null): a missing caption is better than one that hides another.
 */
export function placeLabels(boxes: readonly Rect[], tags: readonly Size[], frame: Size): (Rect | null)[] {
  const placed: Rect[] = [];
  return boxes.map((box, i) => {
    const tag = tags[i];
    if (!tag || tag.width > frame.width || tag.height > frame.height) return null;
    const clampX = (x: number) => Math.min(Math.max(0, x), frame.width - tag.width);
    const clampY = (y: number) => Math.min(Math.max(0, y), frame.height - tag.height);
    const xs = [clampX(box.x), clampX(box.x + box.width - tag.width)];
    const ys = [box.y - tag.height, box.y, box.y + box.height, box.y + box.height - tag.height];
    const steps = Math.ceil(Math.max(box.height, frame.height) / tag.height);
    for (let k = 1; k <= steps; k++) ys.push(box.y + k * tag.height, box.y - (k + 1) * tag.height);
    for (const rawY of ys) {
      const y = clampY(rawY);
      for (const x of xs) {
        const spot = { x, y, width: tag.width, height: tag.height };
        if (!placed.some((other) => overlaps(spot, other))) {
          placed.push(spot);
          return spot;
        }
      }
    }
    return null;
  });
}
