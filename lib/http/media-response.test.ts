import { utimes, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir } from "@/lib/media/test-media";
import { bodyLengthHeader, keepContentLength, mimeTypeFor, parseRange, partialContentLength, serveFile } from "./media-response";

const SIZE = 1000;
let dir: string;
let file: string;
let content: Buffer;
const MTIME = new Date("2026-01-02T03:04:05Z");

beforeAll(async () => {
  dir = await makeTempDir();
  file = path.join(dir, "clip.mp4");
  content = Buffer.from(Array.from({ length: SIZE }, (_, index) => index % 256));
  await writeFile(file, content);
  await utimes(file, MTIME, MTIME);
  await writeFile(path.join(dir, "empty.json"), "");
});

afterAll(async () => {
  await removeDir(dir);
});

function get(headers: Record<string, string> = {}, method = "GET"): Request {
  return new Request("http://localhost/media/clip.mp4", { method, headers });
}

async function bytes(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

describe("parseRange", () => {
  it.each<[string, ReturnType<typeof parseRange>]>([
    ["bytes=0-99", { start: 0, end: 99 }],
    ["bytes=500-", { start: 500, end: 999 }],
    ["bytes=-500", { start: 500, end: 999 }],
    ["bytes=-5000", { start: 0, end: 999 }],
    ["bytes=900-5000", { start: 900, end: 999 }],
    ["bytes=999-999", { start: 999, end: 999 }],
    ["BYTES = 1 - 2", { start: 1, end: 2 }],
    ["bytes=1000-", "unsatisfiable"],
    ["bytes=1000-2000", "unsatisfiable"],
    ["bytes=-0", "unsatisfiable"],
    ["bytes=5-2", null],
    ["bytes=abc", null],
    ["bytes=-", null],
    ["items=0-1", null],
    ["bytes=0-1,5-6", null],
    ["bytes=99999999999999999999-", null],
  ])("%s", (header, expected) => {
    expect(parseRange(header, SIZE)).toEqual(expected);
  });

  it("finds nothing satisfiable in an empty file", () => {
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
    expect(parseRange("bytes=-10", 0)).toBe("unsatisfiable");
  });
});

describe("serveFile", () => {
  it("sends the whole file with validators and the right type", async () => {
    const response = await serveFile(get(), file);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("content-length")).toBe(String(SIZE));
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(response.headers.get("last-modified")).toBe(MTIME.toUTCString());
    expect(response.headers.get("content-range")).toBeNull();
    expect((await bytes(response)).equals(content)).toBe(true);
  });

  it.each([
    ["bytes=0-99", 0, 99],
    ["bytes=500-", 500, 999],
    ["bytes=-500", 500, 999],
    ["bytes=-5000", 0, 999],
    ["bytes=990-2000", 990, 999],
    ["bytes=0-0", 0, 0],
  ])("answers %s with 206 and exactly those bytes", async (range, start, end) => {
    const response = await serveFile(get({ Range: range }), file);
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(response.headers.get("content-length")).toBe(String(end - start + 1));
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect((await bytes(response)).equals(content.subarray(start, end + 1))).toBe(true);
  });

  it.each(["bytes=1000-", "bytes=5000-6000", "bytes=-0"])("answers %s with 416", async (range) => {
    const response = await serveFile(get({ Range: range }), file);
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${SIZE}`);
    expect((await bytes(response)).length).toBe(0);
  });

  it.each(["bytes=abc", "bytes=5-2", "pages=1-2", "bytes=0-1,4-5", "bytes"])(
    "ignores malformed or multiple ranges (%s) and sends 200",
    async (range) => {
      const response = await serveFile(get({ Range: range }), file);
      expect(response.status).toBe(200);
      expect((await bytes(response)).length).toBe(SIZE);
    },
  );

  it("answers 304 to a matching If-None-Match or a current If-Modified-Since", async () => {
    const etag = (await serveFile(get(), file)).headers.get("etag")!;
    const byTag = await serveFile(get({ "If-None-Match": `"other", ${etag}` }), file);
    expect(byTag.status).toBe(304);
    expect(byTag.headers.get("etag")).toBe(etag);
    expect(await byTag.text()).toBe("");
    expect((await serveFile(get({ "If-None-Match": `W/${etag}` }), file)).status).toBe(304);
    expect((await serveFile(get({ "If-None-Match": "*" }), file)).status).toBe(304);
    expect((await serveFile(get({ "If-Modified-Since": MTIME.toUTCString() }), file)).status).toBe(304);
    expect((await serveFile(get({ "If-Modified-Since": new Date(MTIME.getTime() - 60_000).toUTCString() }), file)).status).toBe(200);
    // If-None-Match wins over If-Modified-Since.
    const stale = await serveFile(get({ "If-None-Match": '"other"', "If-Modified-Since": MTIME.toUTCString() }), file);
    expect(stale.status).toBe(200);
    await stale.body?.cancel();
  });

  it("applies a range only while If-Range still matches", async () => {
    const etag = (await serveFile(get(), file)).headers.get("etag")!;
    expect((await serveFile(get({ Range: "bytes=0-9", "If-Range": etag }), file)).status).toBe(206);
    const changed = await serveFile(get({ Range: "bytes=0-9", "If-Range": '"stale"' }), file);
    expect(changed.status).toBe(200);
    expect((await bytes(changed)).length).toBe(SIZE);
  });

  it("answers HEAD with headers and no body", async () => {
    const full = await serveFile(get({}, "HEAD"), file);
    expect(full.status).toBe(200);
    expect(full.headers.get("content-length")).toBe(String(SIZE));
    expect(full.body).toBeNull();
    const partial = await serveFile(get({ Range: "bytes=-10" }, "HEAD"), file);
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 990-999/${SIZE}`);
    expect(partial.body).toBeNull();
  });

  it("serves an empty file, and 416 for any range of it", async () => {
    const empty = path.join(dir, "empty.json");
    const response = await serveFile(get(), empty);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("content-length")).toBe("0");
    expect((await serveFile(get({ Range: "bytes=0-" }), empty)).status).toBe(416);
  });

  it("throws not_found for a missing file or a folder", async () => {
    await expect(serveFile(get(), path.join(dir, "missing.mp4"))).rejects.toMatchObject({ kind: "not_found", message: "file_missing" });
    await expect(serveFile(get(), dir, { notFoundMessage: "no_assets" })).rejects.toMatchObject({ message: "no_assets" });
  });

  it("streams in chunks and stops reading when the client cancels", async () => {
    const big = path.join(dir, "big.webm");
    await writeFile(big, Buffer.alloc(4 * 1024 * 1024, 7));
    const response = await serveFile(get(), big);
    expect(response.headers.get("content-type")).toBe("video/webm");
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.value!.length).toBeLessThan(4 * 1024 * 1024);
    await reader.cancel();
  });

  it("sets a download name and honours overrides", async () => {
    const response = await serveFile(get(), file, { downloadName: "clip ü.mp4", contentType: "application/octet-stream" });
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="clip _.mp4"; filename*=UTF-8''clip%20%C3%BC.mp4`);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    await response.body?.cancel();
  });
});

describe("mimeTypeFor", () => {
  it.each([
    ["a.mp4", "video/mp4"],
    ["a.JPG", "image/jpeg"],
    ["a.jpeg", "image/jpeg"],
    ["a.png", "image/png"],
    ["a.json", "application/json"],
    ["a.webm", "video/webm"],
    ["a.mov", "video/quicktime"],
    ["a.mkv", "video/x-matroska"],
    ["a.bin", "application/octet-stream"],
  ])("%s is %s", (name, type) => {
    expect(mimeTypeFor(name)).toBe(type);
  });
});

describe("keepContentLength", () => {
  it.each<[string, number | null]>([
    ["bytes 0-1023/527687", 1024],
    ["bytes 990-999/1000", 10],
    ["bytes 5-5/*", 1],
    ["bytes */1000", null],
    ["bytes 9-5/1000", null],
    ["items 0-1/2", null],
    ["", null],
  ])("reads %j as %j bytes", (header, expected) => {
    expect(partialContentLength(header)).toBe(expected);
  });

  /** What Next does with a route handler's answer: headers without a length, flushed, then chunks. */
  async function headersOf(status: number, headers: Record<string, string>, body: string) {
    const server = http.createServer((_request, response) => {
      keepContentLength(response);
      response.statusCode = status;
      for (const [name, value] of Object.entries(headers)) response.appendHeader(name, value);
      response.flushHeaders();
      response.write(body);
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await response.arrayBuffer();
      return response.headers;
    } finally {
      server.close();
    }
  }

  it("gives a streamed 206 the length its Content-Range says, and leaves other answers chunked", async () => {
    const partial = await headersOf(206, { "Content-Range": "bytes 0-9/1000" }, "0123456789");
    expect(partial.get("content-length")).toBe("10");
    expect(partial.get("transfer-encoding")).toBeNull();
    const full = await headersOf(200, {}, "0123456789");
    expect(full.get("content-length")).toBeNull();
    const encoded = await headersOf(206, { "Content-Range": "bytes 0-9/1000", "Content-Encoding": "identity" }, "x");
    expect(encoded.get("content-length")).toBeNull();
  });

  it("gives a streamed 200 the length serveFile announced, and drops the private header", async () => {
    const full = await headersOf(200, { [bodyLengthHeader]: "10" }, "0123456789");
    expect(full.get("content-length")).toBe("10");
    expect(full.get("transfer-encoding")).toBeNull();
    expect(full.get(bodyLengthHeader)).toBeNull();
    const other = await headersOf(404, { [bodyLengthHeader]: "10" }, "missing");
    expect(other.get("content-length")).toBeNull();
    expect(other.get(bodyLengthHeader)).toBeNull();
  });
});
