// Entry of an inference thread. Threads do not inherit the TypeScript loader of the process
// that starts them (tsx on the command line, Vite inside vitest), so load the thread's
// TypeScript through tsx's scoped API, which also honours tsconfig paths ("@/...").
import { tsImport } from "tsx/esm/api";

await tsImport("./thread.ts", import.meta.url);
