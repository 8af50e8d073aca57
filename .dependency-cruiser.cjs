/**
 * The house's import rules (STYLE.md, ARCHITECTURE.md), checked by `npm run lint`:
 *
 *   app -> lib -> lib/db      app/ wires the web app; lib/ does the work; lib/db is the bottom
 *   inngest -> lib            functions orchestrate lib's verbs
 *   workers -> lib/inference  the inference service speaks the worker protocol, nothing of the app
 *   components -> app/*actions.ts only
 *
 * Test files (*.test.ts, fixtures, test helpers) are held to the same rules, with two narrow
 * allowances: workers' tests may use lib/media's test helpers to find and make media, and a test
 * under inngest/ may run the real worker in its own process (workers/inference/server.ts) to
 * count what a whole job does. A lib test that needs a worker starts it as the app does
 * (lib/inference/test-worker.ts); a test that drives jobs through the engine lives in inngest/.
 */
const TEST = "(\\.test\\.tsx?|\\.fixture\\.ts|/test-[^/]+\\.ts)$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "No import cycles: a module must not wait, while it is evaluated, on one that waits on it. " +
        "So a cycle closed by a type-only import (gone at runtime: lib/db/schema/jobs.ts takes the " +
        "JobKind type from lib/job-kinds.ts, whose domains use the schema) or by an import() " +
        "inside a function (GET /openapi.json loads the route registry that lists it) is not one.",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only", "dynamic-import"] } },
    },
    {
      name: "lib-not-inngest-or-workers",
      severity: "error",
      comment:
        "lib/ never imports inngest/ or workers/ (tests included): the functions and the worker " +
        "build on lib, not the reverse. lib reaches the worker through lib/inference (protocol, " +
        "client, local-worker launcher) and starts worker processes by path, not by import.",
      from: { path: "^lib/" },
      to: { path: "^(inngest|workers)/" },
    },
    {
      name: "lib-not-app-or-components",
      severity: "error",
      comment: "app -> lib: lib/ never imports the web app's pages, routes or components.",
      from: { path: "^lib/" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "lib-not-next",
      severity: "error",
      comment: "lib/ never imports next/* (STYLE.md): the worker, Inngest functions and tests reuse it.",
      from: { path: "^lib/" },
      to: { path: "^next(/|$)" },
    },
    {
      name: "db-is-the-bottom",
      severity: "error",
      comment:
        "lib -> lib/db: lib/db (client, schema, migrations) is imported by lib and app, never the " +
        "reverse. Outside itself it imports only lib/env.ts (where the database is) at runtime.",
      from: { path: "^lib/db/" },
      to: { path: "^(app|components|inngest|workers|lib)/", pathNot: "^lib/(db/|env\\.ts$|job-kinds\\.ts$)" },
    },
    {
      name: "db-takes-job-kinds-as-a-type",
      severity: "error",
      comment:
        "The jobs table names its kind with the JobKind type of lib/job-kinds.ts; a type only, so " +
        "the schema loads no domain.",
      from: { path: "^lib/db/" },
      to: { path: "^lib/job-kinds\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "inngest-not-app-or-components",
      severity: "error",
      comment: "inngest -> lib: functions orchestrate lib's verbs; they import nothing of the web app.",
      from: { path: "^inngest/" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "inngest-reaches-workers-over-http",
      severity: "error",
      comment:
        "inngest -> lib: functions reach the worker through lib/inference's client. A test may " +
        "start the real worker in process (workers/inference/server.ts), nothing else of workers/.",
      from: { path: "^inngest/" },
      to: { path: "^workers/", pathNot: "^workers/inference/server\\.ts$" },
    },
    {
      name: "inngest-code-not-workers",
      severity: "error",
      comment: "Only inngest's tests start a worker in process; a function never imports workers/.",
      from: { path: "^inngest/", pathNot: TEST },
      to: { path: "^workers/" },
    },
    {
      name: "app-reaches-inngest-only-to-serve-it",
      severity: "error",
      comment:
        "app -> lib: routes and pages call lib's verbs. The one app file that imports inngest/ is " +
        "the serve route, which hands the functions to Inngest.",
      from: { path: "^app/", pathNot: "^app/api/inngest/route\\.ts$" },
      to: { path: "^inngest/" },
    },
    {
      name: "app-and-components-not-workers",
      severity: "error",
      comment: "The web app reaches the worker over HTTP (lib/inference/worker-client.ts), never by import.",
      from: { path: "^(app|components)/" },
      to: { path: "^workers/" },
    },
    {
      name: "app-not-onnxruntime",
      severity: "error",
      comment: "app/ never imports onnxruntime-node (STYLE.md): inference lives in workers/.",
      from: { path: "^(app|components)/" },
      to: { path: "onnxruntime-node" },
    },
    {
      name: "workers-speak-the-protocol",
      severity: "error",
      comment:
        "workers -> the worker protocol: from lib/ a worker imports lib/inference/* and the few " +
        "process-level tools that know nothing of the web app (lib/errors.ts; lib/media's ffmpeg, " +
        "frame and PPM decoders; lib/storage/write-file.ts's atomic writes). Those import lib/env " +
        "only for the web app's DATA_DIR default, which the worker never asks for.",
      from: { path: "^workers/", pathNot: TEST },
      to: {
        path: "^lib/",
        pathNot: "^lib/(inference/|errors\\.ts$|media/(ffmpeg|frames|ppm)\\.ts$|storage/write-file\\.ts$)",
      },
    },
    {
      name: "worker-tests-speak-the-protocol",
      severity: "error",
      comment: "workers' tests: what the worker may import, plus lib/media's probe and test helpers.",
      from: { path: `^workers/.*${TEST}` },
      to: {
        path: "^lib/",
        pathNot:
          "^lib/(inference/|errors\\.ts$|media/(ffmpeg|frames|ppm|probe|test-media|test-setup)\\.ts$|storage/write-file\\.ts$)",
      },
    },
    {
      name: "workers-never-reach-the-database",
      severity: "error",
      comment: "Workers never talk to the web app's database (STYLE.md 8), not even through lib.",
      from: { path: "^workers/" },
      to: { path: "^lib/db/", reachable: true },
    },
    {
      name: "workers-not-app-inngest-or-components",
      severity: "error",
      comment: "The worker is its own service: it imports nothing of the web app or its functions.",
      from: { path: "^workers/" },
      to: { path: "^(app|components|inngest)/" },
    },
    {
      name: "components-take-only-server-actions-from-app",
      severity: "error",
      comment:
        "components -> app: a component takes from app/ only its server actions (app/actions.ts, " +
        "app/job-actions.ts, any app/**/*actions.ts); pages pass the rest in as props.",
      from: { path: "^components/" },
      to: { path: "^app/", pathNot: "/[a-z-]*actions\\.ts$" },
    },
    {
      name: "components-not-inngest",
      severity: "error",
      comment: "Components render; they start nothing in inngest/ (a server action calls lib).",
      from: { path: "^components/" },
      to: { path: "^inngest/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that resolves to nothing is a typo or a missing dependency.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Generated or fetched, never written here: build output, migration snapshots, models, caches.
    exclude: { path: "(^|/)(node_modules|\\.next|drizzle/meta|models|\\.cache|test-results|playwright-report)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
