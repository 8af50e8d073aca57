/**
 * The enhancement presets, plain data the upload form in the browser shares with the server.
 * `upscale` is the AI preset (ESRGAN-slim, workers/upscale); the others are ffmpeg filter graphs
 * (./enhance.ts).
 */
export const ENHANCE_PRESETS = ["auto", "denoise", "sharpen", "levels", "deinterlace", "stabilise", "strong", "upscale"] as const;
export type EnhancePreset = (typeof ENHANCE_PRESETS)[number];
