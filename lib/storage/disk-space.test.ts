import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { health } from "@/lib/health/checks";
import { errorResponse } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

// A full disk, injected at the storage layer: file writes under DATA_DIR fail with ENOSPC once
// `full` is set, after some bytes are on disk (as a real disk fills mid-upload).

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28 });
const disk = vi.hoisted(() => ({ full: false }));

vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  const createWriteStream = ((file: fs.PathLike, options?: Parameters<typeof actual.createWriteStream>[1]) => {
    const stream = actual.createWriteStream(file, options);
    if (!disk.full) return stream;
    let written = 0;
    const write = stream._write.bind(stream);
    stream._write = (chunk, encoding, callback) => {
      written += chunk.length;
      if (written > 64 * 1024) return callback(enospc());
      write(chunk, encoding, callback);
    };
    stream._writev = undefined;
    return stream;
  }) as typeof actual.createWriteStream;
  return { ...actual, default: { ...actual, createWriteStream }, createWriteStream };
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-disk-"));
const saved = { ...process.env };
const BOUNDARY = "----framewise-disk";

beforeAll(() => {
  Object.assign(process.env, { DATA_DIR: dataDir });
  resetEnvForTests();
});

afterAll(() => {
  process.env = saved;
  resetEnvForTests();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("a full disk", () => {
  it("answers an upload that fills it with 507 and a detail, and leaves no file behind", async () => {
    const upload = route({ auth: "none", input: "multipart" }, async () => Response.json({ stored: true }));
    const body = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n${"x".repeat(512 * 1024)}\r\n--${BOUNDARY}--\r\n`;
    disk.full = true;
    try {
      const response = await upload(
        new Request("http://localhost/upload", { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` }, body }),
      );
      expect(response.status).toBe(507);
      expect(await response.json()).toEqual({ detail: "The server is out of disk space; try again later" });
    } finally {
      disk.full = false;
    }
    expect(fs.readdirSync(path.join(dataDir, "tmp"))).toEqual([]);
  });

  it("is a 507 wherever the write that hit it was", async () => {
    const response = errorResponse(enospc());
    expect(response.status).toBe(507);
    expect(await response.json()).toEqual({ detail: "The server is out of disk space; try again later" });
  });

  it("makes /health say degraded under MIN_FREE_DISK_MB", async () => {
    process.env.MIN_FREE_DISK_MB = "0";
    resetEnvForTests();
    expect(await health()).toMatchObject({ status: "ok" });
    process.env.MIN_FREE_DISK_MB = String(1024 ** 4);
    resetEnvForTests();
    expect(await health()).toMatchObject({ status: "degraded" });
    delete process.env.MIN_FREE_DISK_MB;
    resetEnvForTests();
  });
});
