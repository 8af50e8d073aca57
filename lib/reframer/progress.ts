/**
 * progress_percent of a reframe job (GET /job/{id}): each phase owns a band of the 0-100
 * scale, in the order the phases run, and within a band the share done. A later phase never
 * maps below an earlier one, and frames analysed only grow, so the figure never goes back.
 */
export const reframePhases = {
  probe: [0, 2],
  detect: [2, 60],
  track: [60, 64],
  segment: [64, 82],
  speech: [82, 84],
  scenes: [84, 88],
  render: [88, 99],
} as const satisfies Record<string, readonly [number, number]>;
export type ReframePhase = keyof typeof reframePhases;

export function progressPercent(job: { status: string; phase: string | null; processed: number; total: number }): number {
  if (job.status === "completed") return 100;
  const band = job.phase && job.phase in reframePhases ? reframePhases[job.phase as ReframePhase] : ([0, 0] as const);
  const share = job.total > 0 ? Math.min(1, Math.max(0, job.processed / job.total)) : 0;
  return Math.floor(band[0] + (band[1] - band[0]) * share);
}
