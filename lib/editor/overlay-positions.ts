/** Where a render overlay may sit (lib/editor/render.ts places it; lib/editor/job-kinds.ts checks it). */
export const OVERLAY_POSITIONS = ["top", "bottom", "top-left", "top-right", "bottom-left", "bottom-right", "center"] as const;
export type OverlayPosition = (typeof OVERLAY_POSITIONS)[number];
