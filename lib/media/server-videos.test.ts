import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { listServerVideos, resolveServerVideo } from "./server-videos";
import { makeTempDir, removeDir } from "./test-media";

let base: string;
let dir: string;
let outsideVideo: string;

beforeAll(async () => {
  base = await makeTempDir();
  dir = path.join(base, "videos");
  await mkdir(path.join(dir, "nested"), { recursive: true });
  await mkdir(path.join(dir, "folder.mp4"));
  for (const name of ["Cabin 27 min Video.mp4", "b.MOV", "c.mkv", "d.avi", "notes.txt", ".hidden.mp4", "nested/inner.mp4"]) {
    await writeFile(path.join(dir, name), "x");
  }
  outsideVideo = path.join(base, "secret.mp4");
  await writeFile(outsideVideo, "outside");
  await symlink(outsideVideo, path.join(dir, "escape.mp4"));
  await symlink(base, path.join(dir, "up"));
  await symlink(path.join(dir, "c.mkv"), path.join(dir, "alias.mkv"));
  await symlink(path.join(base, "missing.mp4"), path.join(dir, "dangling.mp4"));
});

afterAll(async () => {
  await removeDir(base);
});

afterEach(() => {
  delete process.env.VIDEO_INPUT_DIR;
  resetEnvForTests();
});

describe("listServerVideos", () => {
  it("lists supported videos directly inside the folder, without links out, hidden files or folders", async () => {
    expect(await listServerVideos({ dir })).toEqual(["alias.mkv", "b.MOV", "c.mkv", "Cabin 27 min Video.mp4", "d.avi"]);
  });

  it("reads VIDEO_INPUT_DIR from the environment", async () => {
    process.env.VIDEO_INPUT_DIR = dir;
    resetEnvForTests();
    expect(await listServerVideos()).toContain("Cabin 27 min Video.mp4");
  });

  it("refuses when the folder is not configured or missing", async () => {
    await expect(listServerVideos()).rejects.toMatchObject({
      kind: "bad_request",
      message: "VIDEO_INPUT_DIR is not configured or does not exist",
    });
    await expect(resolveServerVideo("a.mp4", { dir: path.join(base, "nope") })).rejects.toMatchObject({
      kind: "bad_request",
      message: "VIDEO_INPUT_DIR is not configured or does not exist",
    });
  });
});

describe("resolveServerVideo", () => {
  it("resolves a listed name to its absolute path", async () => {
    expect(await resolveServerVideo("Cabin 27 min Video.mp4", { dir })).toBe(path.join(dir, "Cabin 27 min Video.mp4"));
    expect(await resolveServerVideo("nested/inner.mp4", { dir })).toBe(path.join(dir, "nested/inner.mp4"));
    expect(await resolveServerVideo("alias.mkv", { dir })).toBe(path.join(dir, "c.mkv"));
  });

  it.each([
    ["parent traversal", "../secret.mp4"],
    ["deep traversal", "nested/../../secret.mp4"],
    ["absolute /etc/passwd", "/etc/passwd"],
    ["Windows drive", "C:\\videos\\a.mp4"],
    ["backslash traversal", "..\\secret.mp4"],
    ["NUL byte", "c.mkv\0.mp4"],
    ["empty", ""],
    ["blank", "   "],
    ["symlink pointing out", "escape.mp4"],
    ["through a linked folder", "up/secret.mp4"],
    ["dangling symlink", "dangling.mp4"],
    ["bare dot-dot", ".."],
  ])("refuses %s as Invalid video selection", async (_name, selection) => {
    await expect(resolveServerVideo(selection, { dir })).rejects.toMatchObject({
      kind: "bad_request",
      message: "Invalid video selection",
    });
  });

  it("refuses an absolute path to a real video outside the folder", async () => {
    await expect(resolveServerVideo(outsideVideo, { dir })).rejects.toMatchObject({ message: "Invalid video selection" });
  });

  it("refuses other file types", async () => {
    await expect(resolveServerVideo("notes.txt", { dir })).rejects.toMatchObject({
      kind: "bad_request",
      message: "Unsupported video type",
    });
    await expect(resolveServerVideo("movie.webm", { dir })).rejects.toMatchObject({ message: "Unsupported video type" });
  });

  it("says not found for a missing video or a folder", async () => {
    for (const name of ["missing.mp4", "folder.mp4", "nested/missing.mkv"]) {
      await expect(resolveServerVideo(name, { dir })).rejects.toMatchObject({
        kind: "not_found",
        message: "Selected video not found",
      });
    }
  });
});
