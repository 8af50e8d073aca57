// The reference pages in docs/ (README "Contracts"), listed on /docs and shown at /docs/{page}.
// Each page reads its own file through a literal path: the build traces exactly these files, and
// nothing a request sends ever becomes part of a path. server.ts runs from the repository root.
import { readFile } from "node:fs/promises";
import path from "node:path";

export type ReferencePage = { slug: string; title: string; summary: string; read: () => Promise<string> };

export const referencePages: readonly ReferencePage[] = [
  {
    slug: "cabin-events",
    title: "Analysing a video (cabin-events)",
    summary: "POST /api/jobs, progress, results and media, the viewer's routes, event review, the analysis steps and options",
    read: () => readFile(path.join(process.cwd(), "docs", "cabin-events.md"), "utf8"),
  },
  {
    slug: "editor-jobs",
    title: "Editor jobs (editor-jobs)",
    summary: "ingest, transcribe, generate_clip, render and export, subject-following crops, overlays",
    read: () => readFile(path.join(process.cwd(), "docs", "editor-jobs.md"), "utf8"),
  },
  {
    slug: "enhance-metadata",
    title: "Enhance and metadata (enhance-metadata)",
    summary: "POST /upload, live status over /ws/{client_id}, the measured enhancement, the upscale, the metadata file",
    read: () => readFile(path.join(process.cwd(), "docs", "enhance-metadata.md"), "utf8"),
  },
  {
    slug: "feature-extraction",
    title: "Feature extraction (feature-extraction)",
    summary: "extract_features jobs, collecting by URL, masks, embeddings, keypoints and search",
    read: () => readFile(path.join(process.cwd(), "docs", "feature-extraction.md"), "utf8"),
  },
  {
    slug: "reframer",
    title: "Video Reframer (reframer)",
    summary: "POST /process, jobs and results, classes, masks, scenes, descriptions, the reframe, the clients, its benchmark",
    read: () => readFile(path.join(process.cwd(), "docs", "reframer.md"), "utf8"),
  },
  {
    slug: "browser",
    title: "Using it in the browser",
    summary: "every page, the viewer, job controls, API keys, the admin console, phones and keyboards",
    read: () => readFile(path.join(process.cwd(), "docs", "browser.md"), "utf8"),
  },
  {
    slug: "benchmarks",
    title: "Benchmarks",
    summary: "every bench script and its last figures, with load and spread",
    read: () => readFile(path.join(process.cwd(), "docs", "benchmarks.md"), "utf8"),
  },
];

/** The page of that name, or undefined: only the names listed above are ever read. */
export function findReferencePage(slug: string): ReferencePage | undefined {
  return referencePages.find((page) => page.slug === slug);
}
