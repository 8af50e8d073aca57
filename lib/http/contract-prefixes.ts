/**
 * Every contract is also reachable under a prefix of its own, so that a gateway can route by
 * contract and so that the one path two contracts share (`/health`) has an exact answer for
 * each: `/reframer/health` is contract 002's shape, `/health` the 000/001 superset.
 * next.config.ts turns this list into rewrites; a real file under a prefix wins over them.
 */
export const contractPrefixes = {
  cabinEvents: "/cabin", // contracts/cabin-events.md
  editorJobs: "/editor", // contracts/editor-jobs.md
  reframer: "/reframer", // contracts/reframer.md
  enhanceMetadata: "/enhance", // contracts/enhance-metadata.md
  featureExtraction: "/feature-extraction", // contracts/feature-extraction.md
} as const;
