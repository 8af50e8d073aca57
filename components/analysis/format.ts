/** Times and colours the analysis page writes the same way everywhere. */

export function formatTime(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, "0")}`;
}

/** Event-type colours, distinct on white and on the slate timeline (all at least 3:1 there). */
const palette = ["#2563eb", "#c026d3", "#d97706", "#059669", "#e11d48", "#7c3aed", "#0891b2", "#65a30d"];

/** The colour of an event type: by its place among the job's types, so filtering never repaints. */
export function labelColour(label: string, labels: readonly string[]): string {
  const index = labels.indexOf(label);
  return palette[(index < 0 ? 0 : index) % palette.length];
}

export function describeTracks(ids: number[]): string {
  if (ids.length === 0) return "no track";
  if (ids.length <= 4) return `track${ids.length > 1 ? "s" : ""} ${ids.map((id) => `#${id}`).join(", ")}`;
  return `${ids.length} tracks`;
}
