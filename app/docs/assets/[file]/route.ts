// GET /docs/assets/{file}: Swagger UI's bundle and stylesheet for /docs, read from the installed
// swagger-ui-dist package (no CDN). Only the two files the page loads are served.
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Readable } from "node:stream";
import { z } from "zod";
import { route } from "@/lib/http/route";

const assets = { "swagger-ui-bundle.js": "text/javascript; charset=utf-8", "swagger-ui.css": "text/css; charset=utf-8" } as const;
const params = z.object({ file: z.enum(Object.keys(assets) as [keyof typeof assets]) });

function distFolder(): string {
  return path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
}

export const GET = route({ auth: "none", params }, async ({ params }) => {
  const stream = createReadStream(path.join(distFolder(), params.file));
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: { "content-type": assets[params.file], "cache-control": "public, max-age=86400" },
  });
});
