import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasSharedMedia, makeTempDir, MISSING_IN_CI, removeDir, sharedMediaRequired, SKIP_REASON, skipWithoutSharedMedia } from "./test-media";

/**
 * Vitest-only helpers shared by the media tests (test-media.ts stays free of vitest, because
 * Playwright specs and benchmarks import it too).
 */

/**
 * A describe that needs ../shared/media: skipped (saying why) when it is absent, except under CI,
 * where its tests run and fail, and one more test says what is missing.
 */
export const describeMedia = describe.skipIf(skipWithoutSharedMedia);
if (skipWithoutSharedMedia) describe.skip(SKIP_REASON, () => {});
if (!hasSharedMedia && sharedMediaRequired) {
  describe("shared media", () => it("is present", () => expect.fail(MISSING_IN_CI)));
}

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
