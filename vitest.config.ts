import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", "data/**", "models/**", ".cache/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2-core machines: files run in parallel forks, tests inside a file in order.
    pool: "forks",
    maxWorkers: 2,
    // next-auth imports `next/server` without its extension, which only a bundler resolves: let
    // Vite transform it so that tests can call the real sign-in handlers.
    server: { deps: { inline: ["next-auth"] } },
  },
});
