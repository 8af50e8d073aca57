// ESLint for the whole tree (`npm run lint`): ESLint's and typescript-eslint's recommended
// rules everywhere, React's hook rules and Next's core-web-vitals rules where React runs.
// The import rules between folders are dependency-cruiser's (.dependency-cruiser.cjs).
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig([
  // Generated or fetched, never written here: build output, migration snapshots, models, caches, reports.
  globalIgnores([".next/", "next-env.d.ts", "drizzle/meta/", "models/", "node_modules/", ".cache/", "data/", "test-results/", "playwright-report/", "bench-out/"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // The house spells "deliberately unused" two ways: a leading underscore (a callback's
      // unused parameter) and the omitting destructure `const { raw: _raw, ...rest } = row`.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // A server started before what it serves exists reads that in a closure, then it is
      // assigned once (inngest/engine/testing.ts): `let` is right there.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    extends: [reactHooks.configs.flat.recommended, nextPlugin.configs["core-web-vitals"]],
    languageOptions: { globals: { ...globals.browser } },
  },
]);
