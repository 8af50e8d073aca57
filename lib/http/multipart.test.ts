import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir, removeDir } from "@/lib/media/test-media";
import { parseMultipart, sanitizeFilename } from "./multipart";

const BOUNDARY = "----framewise-test-boundary";
const encoder = new TextEncoder();
let dataDir: string;

beforeAll(async () => {
  dataDir = await makeTempDir();
});

afterAll(async () => {
  await removeDir(dataDir);
});

beforeEach(async () => {
  await removeDir(path.join(dataDir, "tmp"));
});

type Part =
  | { name: string; value: string }
  | { name: string; filename: string; type?: string; size: number; fill?: (index: number) => number };

function chunkOf(size: number, offset: number, fill: (index: number) => number): Uint8Array {
  const chunk = new Uint8Array(size);
  for (let index = 0; index < size; index++) chunk[index] = fill(offset + index);
  return chunk;
}

const defaultFill = (index: number) => (index * 31 + 7) % 256;

/** A multipart body produced piece by piece, as a browser streams it. */
function multipartBody(parts: Part[], options: { cutAfter?: number; failAfter?: number } = {}): ReadableStream<Uint8Array> {
  async function* pieces(): AsyncGenerator<Uint8Array> {
    for (const part of parts) {
      if ("value" in part) {
        yield encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`);
        continue;
      }
      yield encoder.encode(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
          `Content-Type: ${part.type ?? "video/mp4"}\r\n\r\n`,
      );
      for (let offset = 0; offset < part.size; offset += 65536) {
        yield chunkOf(Math.min(65536, part.size - offset), offset, part.fill ?? defaultFill);
      }
      yield encoder.encode("\r\n");
    }
    yield encoder.encode(`--${BOUNDARY}--\r\n`);
  }
  const iterator = pieces();
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (options.failAfter !== undefined && sent >= options.failAfter) {
        controller.error(new Error("client went away"));
        return;
      }
      if (options.cutAfter !== undefined && sent >= options.cutAfter) {
        controller.close();
        return;
      }
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else {
        sent += value.length;
        controller.enqueue(value);
      }
    },
  });
}

function request(body: ReadableStream<Uint8Array> | string | null, contentType = `multipart/form-data; boundary=${BOUNDARY}`): Request {
  return new Request("http://localhost/upload", {
    method: "POST",
    headers: { "content-type": contentType },
    body,
    duplex: "half",
  } as RequestInit);
}

function sha256Of(size: number, fill = defaultFill): string {
  const hash = createHash("sha256");
  for (let offset = 0; offset < size; offset += 65536) hash.update(chunkOf(Math.min(65536, size - offset), offset, fill));
  return hash.digest("hex");
}

async function tmpFiles(): Promise<string[]> {
  return readdir(path.join(dataDir, "tmp")).catch(() => []);
}

describe("parseMultipart", () => {
  it("collects fields and streams files to DATA_DIR/tmp with size and SHA-256", async () => {
    const size = 3 * 1024 * 1024 + 17;
    const result = await parseMultipart(
      request(
        multipartBody([
          { name: "tripId", value: "TRIP-001" },
          { name: "cvvrFile", filename: "../../etc/Cabin video.MP4", size },
          { name: "client_id", value: "abc" },
        ]),
      ),
      { dataDir },
    );
    expect(result.fields).toEqual({ tripId: "TRIP-001", client_id: "abc" });
    expect(result.files).toHaveLength(1);
    const [file] = result.files;
    expect(file).toMatchObject({ field: "cvvrFile", filename: "Cabin video.MP4", size, mimeType: "video/mp4", sha256: sha256Of(size) });
    expect(path.dirname(file.path)).toBe(path.join(dataDir, "tmp"));
    expect(path.extname(file.path)).toBe(".mp4");
    const stored = await readFile(file.path);
    expect(createHash("sha256").update(stored).digest("hex")).toBe(file.sha256);
  });

  it("refuses a file over the limit while streaming and removes the partial file", async () => {
    const attempt = parseMultipart(
      request(multipartBody([{ name: "tripId", value: "T" }, { name: "cvvrFile", filename: "big.mp4", size: 5 * 1024 * 1024 }])),
      { dataDir, maxFileBytes: 1024 * 1024 },
    );
    await expect(attempt).rejects.toMatchObject({ kind: "payload_too_large", message: "File size exceeds 1MB limit" });
    expect(await tmpFiles()).toEqual([]);
  });

  it("accepts a file of exactly the limit", async () => {
    const result = await parseMultipart(request(multipartBody([{ name: "f", filename: "a.mp4", size: 1024 * 1024 }])), {
      dataDir,
      maxFileBytes: 1024 * 1024,
    });
    expect(result.files[0].size).toBe(1024 * 1024);
  });

  it("removes every file of a request that fails", async () => {
    const attempt = parseMultipart(
      request(
        multipartBody([
          { name: "first", filename: "ok.mp4", size: 100_000 },
          { name: "second", filename: "big.mp4", size: 3 * 1024 * 1024 },
        ]),
      ),
      { dataDir, maxFileBytes: 2 * 1024 * 1024 },
    );
    await expect(attempt).rejects.toMatchObject({ kind: "payload_too_large", message: "File size exceeds 2MB limit" });
    expect(await tmpFiles()).toEqual([]);
  });

  it("cleans up when the body ends early or the client goes away", async () => {
    const parts: Part[] = [{ name: "cvvrFile", filename: "a.mp4", size: 2 * 1024 * 1024 }];
    await expect(parseMultipart(request(multipartBody(parts, { cutAfter: 500_000 })), { dataDir })).rejects.toMatchObject({
      kind: "bad_request",
    });
    await expect(parseMultipart(request(multipartBody(parts, { failAfter: 500_000 })), { dataDir })).rejects.toBeDefined();
    expect(await tmpFiles()).toEqual([]);
  });

  it("skips an empty file input and refuses files in unexpected fields", async () => {
    const empty = await parseMultipart(
      request(multipartBody([{ name: "tripId", value: "T" }, { name: "cvvrFile", filename: "", size: 0 }])),
      { dataDir },
    );
    expect(empty.files).toEqual([]);
    await expect(
      parseMultipart(request(multipartBody([{ name: "other", filename: "a.mp4", size: 10 }])), { dataDir, fileFields: ["cvvrFile"] }),
    ).rejects.toMatchObject({ kind: "bad_request", message: "Unexpected file field other" });
    expect(await tmpFiles()).toEqual([]);
  });

  it("refuses bodies that are not multipart", async () => {
    await expect(parseMultipart(request("a=1", "application/x-www-form-urlencoded"), { dataDir })).rejects.toMatchObject({
      kind: "bad_request",
      message: "Expected a multipart/form-data body",
    });
    await expect(parseMultipart(request("x", "multipart/form-data"), { dataDir })).rejects.toMatchObject({ kind: "bad_request" });
    await expect(parseMultipart(request(null), { dataDir })).rejects.toMatchObject({ kind: "bad_request" });
  });

  it("refuses too many files", async () => {
    const files: Part[] = Array.from({ length: 3 }, (_, index) => ({ name: `f${index}`, filename: `${index}.mp4`, size: 10 }));
    await expect(parseMultipart(request(multipartBody(files)), { dataDir, maxFiles: 2 })).rejects.toMatchObject({
      message: "Too many files (maximum 2)",
    });
    expect(await tmpFiles()).toEqual([]);
  });
});

describe("sanitizeFilename", () => {
  it.each([
    ["video.mp4", "video.mp4"],
    ["../../etc/passwd", "passwd"],
    ["C:\\Users\\me\\clip.mov", "clip.mov"],
    ["..", "upload"],
    ["", "upload"],
    [".hidden.mp4", "hidden.mp4"],
    ["a\u0000b\nc.mp4", "abc.mp4"],
    ['we<ird>:"|?*.mkv', "we_ird______.mkv"],
    ["  spaced   name .avi  ", "spaced name .avi"],
    [`${"x".repeat(300)}.mp4`, `${"x".repeat(196)}.mp4`],
  ])("%j -> %j", (raw, expected) => {
    expect(sanitizeFilename(raw)).toBe(expected);
  });
});

describe("parseMultipart file names", () => {
  it("reads UTF-8 file names as browsers send them", async () => {
    const result = await parseMultipart(request(multipartBody([{ name: "f", filename: "Kabinë 27 – vidéo.mp4", size: 10 }])), { dataDir });
    expect(result.files[0].filename).toBe("Kabinë 27 – vidéo.mp4");
  });
});
