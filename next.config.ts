import type { NextConfig } from "next";
import { contractPrefixes } from "./lib/http/contract-prefixes";

const upgrade = { type: "header", key: "upgrade" } as const;

const nextConfig: NextConfig = {
  // Contracts use trailing slashes (`GET /health/`, `POST /jobs/`): serve them, don't redirect.
  skipTrailingSlashRedirect: true,
  // Native, wasm or child-process packages run from node_modules, never bundled: PGlite in
  // particular must be the very copy server.ts opened (one opener per data folder).
  serverExternalPackages: ["@electric-sql/pglite", "@techstark/opencv-js", "postgres", "fluent-ffmpeg", "busboy", "onnxruntime-node", "ws"],
  poweredByHeader: false,
  // forbidden() and app/forbidden.tsx: the admin pages answer a non-admin with a styled 403.
  experimental: { authInterrupts: true },
  // `npm test` type-checks the whole tree once with tsc (scripts/test.sh); the build need not again.
  typescript: { ignoreBuildErrors: true },
  async rewrites() {
    return {
      beforeFiles: [],
      afterFiles: Object.values(contractPrefixes).flatMap((prefix) => [
        { source: `${prefix}`, destination: "/" },
        { source: `${prefix}/:path*`, destination: "/:path*" },
      ]),
      // Nothing matched: API clients and anything that sends a body get FastAPI's JSON 404 from
      // app/api/not-found (a body here would otherwise be parsed as a server action); a
      // browser's GET (Accept: text/html, no body) falls through to app/not-found.tsx.
      // WebSocket upgrades are left alone: Next ends an upgrade whose path a rewrite matched,
      // and server.ts's hub answers them.
      fallback: [
        { source: "/:path*", has: [{ type: "header", key: "content-type" }], missing: [upgrade], destination: "/api/not-found" },
        { source: "/:path*", missing: [upgrade, { type: "header", key: "accept", value: ".*text/html.*" }, { type: "header", key: "rsc" }], destination: "/api/not-found" },
      ],
    };
  },
};

export default nextConfig;
