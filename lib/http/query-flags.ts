import { z } from "zod";

/**
 * A yes/no query parameter, off when absent: `1`, `true`, `yes` or `on` turn it on, `0`,
 * `false`, `no` or `off` leave it off, anything else is a bad request naming the parameter.
 */
export function queryFlag(description: string) {
  return z.stringbool().default(false).describe(description);
}

/** `include_rejected=1` on an event listing or export: the events marked false_positive too. */
export const includeRejected = queryFlag("1 to include the events reviewed as false_positive (left out by default)");
