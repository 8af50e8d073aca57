import { execFileSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { anonymousCaller, callerFor, canSee } from "@/lib/jobs/caller";
import { ownerCaller } from "@/lib/jobs/owner-caller";
import { makeTempDir, removeDir } from "@/lib/media/test-media";

/**
 * The one visibility rule and the one source resolver, on both databases: videos are made by
 * the registration verbs from a real file, users by createUser.
 */

let base: string;
let inputDir: string;
type Modules = {
  resolve: typeof import("./resolve-source");
  register: typeof import("./register-video");
  users: typeof import("@/lib/auth/users");
};
let m: Modules;

beforeAll(async () => {
  base = await makeTempDir();
  inputDir = path.join(base, "videos");
  await mkdir(inputDir, { recursive: true });
  execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=10", "-c:v", "libx264", "-pix_fmt", "yuv420p", path.join(inputDir, "clip.mp4")]);
  await writeFile(path.join(base, "secret.mp4"), "outside");
  await symlink(path.join(base, "secret.mp4"), path.join(inputDir, "escape.mp4"));
  Object.assign(process.env, { DATA_DIR: path.join(base, "data"), VIDEO_INPUT_DIR: inputDir });
  resetEnvForTests();
  m = { resolve: await import("./resolve-source"), register: await import("./register-video"), users: await import("@/lib/auth/users") };
});

afterAll(async () => {
  delete process.env.VIDEO_INPUT_DIR;
  resetEnvForTests();
  await removeDir(base);
});

describe("canSee", () => {
  const owner = { user: { id: "u1" }, isAdmin: false };
  const other = { user: { id: "u2" }, isAdmin: false };
  const admin = callerFor({ id: "u3", role: "admin" });
  it("lets the owner and admins see an owned thing, and anyone holding the id an anonymous one", () => {
    expect(canSee(owner, { ownerId: "u1" })).toBe(true);
    expect(canSee(admin, { ownerId: "u1" })).toBe(true);
    expect(canSee(other, { ownerId: "u1" })).toBe(false);
    expect(canSee(anonymousCaller, { ownerId: "u1" })).toBe(false);
    expect(canSee(anonymousCaller, { ownerId: null })).toBe(true);
    expect(canSee(other, { ownerId: null })).toBe(true);
    expect(callerFor({ id: "u4", role: "user" })).toEqual({ user: { id: "u4" }, isAdmin: false });
    expect(callerFor(null)).toEqual(anonymousCaller);
  });
});

describe.each(testDatabases)("resolveSource on %s", (kind) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function refusal(promise: Promise<unknown>): Promise<{ kind: string; message: string }> {
    const error = await promise.then(() => null, (e: unknown) => e);
    if (!isAppError(error)) throw new Error(`expected a domain error, got ${String(error)}`);
    return { kind: error.kind, message: error.message };
  }

  it("resolves a video by id for its owner and admins only; anonymous videos by id for anyone", async () => {
    const admin = await m.users.createUser(handle.db, { email: `admin-${kind}@example.com`, password: "password-0" });
    const alice = await m.users.createUser(handle.db, { email: `alice-${kind}@example.com`, password: "password-a" });
    const bob = await m.users.createUser(handle.db, { email: `bob-${kind}@example.com`, password: "password-b" });
    expect(admin.role).toBe("admin");
    const file = path.join(inputDir, "clip.mp4");
    const { video } = await m.register.registerServerVideo(handle.db, callerFor(alice), file, "clip.mp4");
    const { video: anonymousVideo } = await m.register.registerServerVideo(handle.db, anonymousCaller, file, "clip.mp4");

    for (const caller of [callerFor(alice), callerFor(admin), await ownerCaller(handle.db, alice.id), await ownerCaller(handle.db, admin.id)]) {
      expect(await m.resolve.resolveSource(handle.db, caller, { source_asset_id: video.id }, "job-1")).toEqual({ file, media: file, name: "clip.mp4", videoId: video.id });
    }
    for (const caller of [callerFor(bob), anonymousCaller, await ownerCaller(handle.db, null)]) {
      expect(await refusal(m.resolve.resolveSource(handle.db, caller, { source_asset_id: video.id }, "job-1"))).toEqual({ kind: "not_found", message: `Source asset ${video.id} not found` });
    }
    expect((await m.resolve.resolveSource(handle.db, callerFor(bob), { source_asset_id: anonymousVideo.id }, "job-1")).videoId).toBe(anonymousVideo.id);
    expect(await refusal(m.resolve.resolveSource(handle.db, callerFor(alice), { source_asset_id: "asset_456" }, "job-1"))).toEqual({ kind: "not_found", message: "Source asset asset_456 not found" });
  });

  it("resolves a name inside VIDEO_INPUT_DIR and refuses escapes, links out and unusable names", async () => {
    expect(await m.resolve.resolveSource(handle.db, anonymousCaller, { video_name: "clip.mp4" }, "job-1")).toEqual({ file: path.join(inputDir, "clip.mp4"), media: path.join(inputDir, "clip.mp4"), name: "clip.mp4", videoId: null });
    const invalid = { kind: "bad_request", message: "Invalid video selection" };
    for (const name of ["../secret.mp4", "/etc/passwd", "escape.mp4", "x".repeat(10_000) + ".mp4", "a\0.mp4", "..\\secret.mp4"]) {
      expect(await refusal(m.resolve.resolveSource(handle.db, anonymousCaller, { video_name: name }, "job-1")), name.slice(0, 40)).toEqual(invalid);
    }
    expect(await refusal(m.resolve.resolveSource(handle.db, anonymousCaller, { video_name: "missing.mp4" }, "job-1"))).toEqual({ kind: "not_found", message: "Video file not found: missing.mp4" });
  });
});
