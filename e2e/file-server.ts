import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

const types: Record<string, string> = { ".mp4": "video/mp4", ".jpg": "image/jpeg", ".html": "text/html" };

/**
 * The web a feature job collects from, on 127.0.0.1 (the e2e server runs with
 * ALLOW_PRIVATE_URLS=on): the files of `dir` by their names, streamed with their length, and
 * 404 for anything else.
 */
export async function serveFolder(dir: string): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.basename(decodeURIComponent(req.url ?? "/")));
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream", "content-length": stat.size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
