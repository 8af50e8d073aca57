// GET /docs/assets/{file}: Swagger UI's bundle and stylesheet for /docs, read from the installed
// swagger-ui-dist package (no CDN). Only the two files the page loads are served.
import path from "node:path";
import { z } from "zod";
import { serveFile } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";

const assets = { "swagger-ui-bundle.js": "text/javascript; charset=utf-8", "swagger-ui.css": "text/css; charset=utf-8" } as const;
const params = z.object({ file: z.enum(Object.keys(assets) as [keyof typeof assets]) });

/** The installed package, under the folder the server runs from (server.ts runs from the repository root). */
function distFolder(): string {
  // Not require.resolve: the bundler turns that into a module id, not a path.
  return path.join(process.cwd(), "node_modules", "swagger-ui-dist");
}

export const GET = route({ auth: "none", params }, async ({ request, params }) =>
  serveFile(request, path.join(distFolder(), params.file), { contentType: assets[params.file] }),
);
