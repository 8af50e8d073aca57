import { mkdtemp, rm } from "node:fs/promises";
import { statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allowedMediaPrefixes, checkMediaUrl, download } from "./remote-media";

/**
 * What a worker takes media from by URL (WORKER_MEDIA=url on the web side): only under its
 * allowed prefixes, never by a redirect, never past the size limit. The whole round trip against
 * a real store is lib/inference/worker-media.test.ts.
 */
describe("a worker's media URLs", () => {
  const prefixes = allowedMediaPrefixes({ WORKER_ALLOWED_URLS: ["https://cdn.example/media"], STORAGE_URL: "s3://videos/prod", S3_ENDPOINT: "http://store:8333" });

  it("are the store's bucket and prefix, addressed by path, and the configured prefixes as folders", () => {
    expect(prefixes).toEqual(["https://cdn.example/media/", "http://store:8333/videos/prod/"]);
  });

  it("are taken under a prefix and refused anywhere else, without echoing the signature", () => {
    expect(checkMediaUrl("http://store:8333/videos/prod/uploads/a.mp4?X-Amz-Signature=s", prefixes)).toBe("http://store:8333/videos/prod/uploads/a.mp4?X-Amz-Signature=s");
    for (const refused of [
      "http://store:8333/videos/production/a.mp4",
      "http://store:8333/videos/prod/../other/a.mp4",
      "http://store:8333/videos/prod/..%2F..%2Fother/a.mp4",
      "http://store:8333/videos/prod/%2e%2e/a.mp4",
      "http://user:pw@store:8333/videos/prod/a.mp4",
      "http://store:8334/videos/prod/a.mp4",
      "https://cdn.example/mediaevil/a.jpg",
      "http://169.254.169.254/latest/meta-data/",
    ]) {
      expect(() => checkMediaUrl(refused, prefixes), refused).toThrowError(expect.objectContaining({ kind: "forbidden", message: "URL is outside the allowed prefixes" }));
    }
  });

  it("are fetched without following redirects, and no further than the size limit", async () => {
    const origin = createServer((req, res) => {
      if (req.url === "/media/moved.jpg") res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      else res.writeHead(200, { "content-type": "image/jpeg" }).end(Buffer.alloc(4096));
    });
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/media`;
    const folder = await mkdtemp(path.join(os.tmpdir(), "framewise-download-"));
    try {
      await expect(download(`${base}/moved.jpg`, path.join(folder, "a.jpg"), 1 << 20)).rejects.toMatchObject({ kind: "bad_request", message: "media URL could not be reached" });
      await expect(download(`${base}/big.jpg`, path.join(folder, "b.jpg"), 1000)).rejects.toMatchObject({ kind: "payload_too_large" });
      await download(`${base}/big.jpg`, path.join(folder, "c.jpg"), 1 << 20);
      expect(statSync(path.join(folder, "c.jpg")).size).toBe(4096);
    } finally {
      origin.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
