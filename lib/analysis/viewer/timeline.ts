/**
 * The timeline's arithmetic: tick spacing, lanes per event type and the keyboard's steps.
 * Pure, shared by the component and its tests.
 */

const tickSteps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** Ticks at a round step that leaves at least `minGapPx` between labels on a `widthPx` axis. */
export function timeTicks(duration: number, widthPx: number, minGapPx = 64): number[] {
  if (!(duration > 0) || !(widthPx > 0)) return [0];
  const most = Math.max(1, Math.floor(widthPx / minGapPx));
  const step = tickSteps.find((s) => duration / s <= most) ?? Math.ceil(duration / most / 3600) * 3600;
  const ticks: number[] = [];
  for (let t = 0; t <= duration + 1e-9; t += step) ticks.push(Math.round(t * 1000) / 1000);
  return ticks;
}

/** "1:05" for ticks, "1:05.3" when the step is under a second. */
export function tickLabel(seconds: number, fine = false): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${(fine ? s.toFixed(1) : Math.floor(s).toString()).padStart(fine ? 4 : 2, "0")}`;
}

export type TimedEvent = { label: string; start_time: number; end_time: number };

/** One lane per event type, the busiest first, with the events in each. */
export function lanesOf<E extends TimedEvent>(events: readonly E[]): { label: string; events: E[] }[] {
  const lanes = new Map<string, E[]>();
  for (const event of events) lanes.set(event.label, [...(lanes.get(event.label) ?? []), event]);
  return [...lanes.entries()].map(([label, list]) => ({ label, events: list })).sort((a, b) => b.events.length - a.events.length || a.label.localeCompare(b.label));
}

/**
 * Where a key moves the playhead on the timeline slider: arrows one second (Shift: five),
 * PageUp/PageDown ten, Home/End the ends; null for keys the slider leaves alone.
 */
export function seekForKey(key: string, shift: boolean, now: number, duration: number): number | null {
  const step = shift ? 5 : 1;
  const to: Record<string, number> = {
    ArrowRight: now + step,
    ArrowUp: now + step,
    ArrowLeft: now - step,
    ArrowDown: now - step,
    PageUp: now + 10,
    PageDown: now - 10,
    Home: 0,
    End: duration,
  };
  if (!(key in to)) return null;
  return Math.min(duration, Math.max(0, to[key]));
}

/** The time under a pointer at `x` on an axis `width` wide. */
export function timeAtX(x: number, width: number, duration: number): number {
  if (!(width > 0)) return 0;
  return Math.min(duration, Math.max(0, (x / width) * duration));
}
