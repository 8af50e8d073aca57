import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir } from "@/lib/media/test-media";
import { resolveInside } from "./resolve-inside";

let base: string;
let root: string;

beforeAll(async () => {
  base = await makeTempDir();
  root = path.join(base, "root");
  await mkdir(path.join(root, "clips"), { recursive: true });
  await writeFile(path.join(root, "clips", "a.mp4"), "clip");
  await writeFile(path.join(base, "secret.txt"), "secret");
  await symlink(path.join(base, "secret.txt"), path.join(root, "link-out.txt"));
  await symlink(base, path.join(root, "dir-out"));
  await symlink(path.join(base, "nowhere.txt"), path.join(root, "dangling.txt"));
});

afterAll(async () => {
  await removeDir(base);
});

describe("resolveInside", () => {
  it("resolves names and sub-folders inside the root", async () => {
    expect(await resolveInside(root, "clips/a.mp4")).toBe(path.join(root, "clips", "a.mp4"));
    expect(await resolveInside(root, "clips/./a.mp4")).toBe(path.join(root, "clips", "a.mp4"));
  });

  it.each(["../secret.txt", "clips/../../secret.txt", "/etc/passwd", path.join("/", "tmp"), "..", "a\0b", "", " ", "clips\\a.mp4", "C:/x", "link-out.txt", "dir-out/secret.txt", "dangling.txt", ".", "clips/.."])(
    "refuses %j with bad_request",
    async (name) => {
      await expect(resolveInside(root, name)).rejects.toMatchObject({ kind: "bad_request", message: "Invalid path" });
    },
  );

  it("refuses escapes for paths to be created, including writes through a dangling link", async () => {
    await expect(resolveInside(root, "dir-out/new.txt", { mustExist: false })).rejects.toMatchObject({ kind: "bad_request" });
    await expect(resolveInside(root, "dangling.txt", { mustExist: false })).rejects.toMatchObject({ kind: "bad_request" });
    expect(await resolveInside(root, "new/deeper/file.txt", { mustExist: false })).toBe(path.join(root, "new/deeper/file.txt"));
    // Nothing outside was touched.
    expect(await readFile(path.join(base, "secret.txt"), "utf8")).toBe("secret");
  });

  it("uses the caller's errors", async () => {
    const options = {
      invalid: { kind: "not_found", message: "not_found" },
      missing: { kind: "not_found", message: "file_missing" },
    } as const;
    await expect(resolveInside(root, "../secret.txt", options)).rejects.toMatchObject({ kind: "not_found", message: "not_found" });
    await expect(resolveInside(root, "clips/b.mp4", options)).rejects.toMatchObject({ kind: "not_found", message: "file_missing" });
    await expect(resolveInside(path.join(base, "no-root"), "a.mp4", options)).rejects.toMatchObject({ message: "file_missing" });
  });

  it("refuses names the file system cannot take, as the caller's error, never a crash", async () => {
    const options = { invalid: { kind: "not_found", message: "file_missing" }, missing: { kind: "not_found", message: "file_missing" } } as const;
    for (const name of ["x".repeat(10_000), `clips/${"y".repeat(300)}.mp4`, "..\uFFFD\uFFFD..\uFFFD\uFFFDetc", "\uD800.mp4"]) {
      const error = await resolveInside(root, name, options).catch((e: unknown) => e);
      expect(error, name.slice(0, 20)).toMatchObject({ kind: "not_found", message: "file_missing" });
    }
    // 255 bytes in one segment is the most a file system takes; under the cap it is just missing.
    await expect(resolveInside(root, `${"z".repeat(250)}.mp4`)).rejects.toMatchObject({ kind: "not_found", message: "File not found" });
  });
});
