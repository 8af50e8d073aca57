// GET /openapi.json: the OpenAPI 3.1 document of every route (app/route-registry.ts), built from
// the routes' own zod schemas by lib/http/openapi.ts. Rendered at /docs.
import { route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/http/openapi";

// The registry lists this module too, so it is loaded when the document is asked for, not
// when this module is: neither module's evaluation waits on the other's.
export const GET = route({ auth: "none" }, async () => {
  const { documentedRoutes } = await import("@/app/route-registry");
  return Response.json(openApiDocument(documentedRoutes()));
});
