import type { NextConfig } from "next";
import { contractPrefixes } from "./lib/http/contract-prefixes";

const nextConfig: NextConfig = {
  // Contracts use trailing slashes (`GET /health/`, `POST /jobs/`): serve them, don't redirect.
  skipTrailingSlashRedirect: true,
  // Native, wasm or child-process packages run from node_modules, never bundled: PGlite in
  // particular must be the very copy server.ts opened (one opener per data folder).
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "fluent-ffmpeg", "busboy", "onnxruntime-node", "ws"],
  poweredByHeader: false,
  // `npm test` type-checks the whole tree once with tsc (scripts/test.sh); the build need not again.
  typescript: { ignoreBuildErrors: true },
  async rewrites() {
    return {
      beforeFiles: [],
      afterFiles: Object.values(contractPrefixes).flatMap((prefix) => [
        { source: `${prefix}`, destination: "/" },
        { source: `${prefix}/:path*`, destination: "/:path*" },
      ]),
      fallback: [],
    };
  },
};

export default nextConfig;
