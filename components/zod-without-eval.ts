import { z } from "zod";

// Zod compiles object parsers with new Function() after probing whether it may; under the pages'
// CSP (no 'unsafe-eval', lib/http/response-headers.ts) that probe is a reported violation. In the
// browser zod runs its interpreted parsers instead. Imported by SiteNav, which every page renders.
if (typeof window !== "undefined") z.config({ jitless: true });
