// GET /openapi.json: the OpenAPI 3.1 document of every route (app/route-registry.ts), built from
// the routes' own zod schemas by lib/http/openapi.ts. Rendered at /docs.
import { route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/http/openapi";
import { documentedRoutes } from "@/app/route-registry";

export const GET = route({ auth: "none" }, async () => Response.json(openApiDocument(documentedRoutes())));
