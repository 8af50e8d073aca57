/**
 * The upscale's input cap: frames of at most 960x540 pixels by area (bigger ones take seconds a
 * frame on a CPU). The enhance job checks it before it asks the worker, the worker's
 * POST /v1/upscale before it starts the upscale process, and the process itself.
 */
export const MAX_UPSCALE_INPUT = { width: 960, height: 540 } as const;
export const MAX_UPSCALE_INPUT_PIXELS = MAX_UPSCALE_INPUT.width * MAX_UPSCALE_INPUT.height;
/** "960x540", as the refusals say it. */
export const MAX_UPSCALE_INPUT_SIZE = `${MAX_UPSCALE_INPUT.width}x${MAX_UPSCALE_INPUT.height}`;
