import { afterAll, beforeAll, describe } from "vitest";
import { hasSharedMedia, makeTempDir, removeDir, SKIP_REASON } from "./test-media";

/**
 * Vitest-only helpers shared by the media tests (test-media.ts stays free of vitest, because
 * Playwright specs and benchmarks import it too).
 */

/** A describe that runs only with ../shared/media present, and says why when it does not. */
export const describeMedia = describe.skipIf(!hasSharedMedia);
if (!hasSharedMedia) describe.skip(SKIP_REASON, () => {});

/** A temporary folder made before the file's tests and removed after them. */
export function useTempDir(): { path: string } {
  const temp = { path: "" };
  beforeAll(async () => {
    temp.path = await makeTempDir();
  });
  afterAll(async () => {
    await removeDir(temp.path);
  });
  return temp;
}
