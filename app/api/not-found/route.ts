// Where next.config.ts's fallback rewrites send a request no page or route matched: FastAPI's
// 404 for every method, answered without reading the body (a POST to an unknown path would
// otherwise be parsed as a server action and fail with a 500). Browsers' GETs get
// app/not-found.tsx instead (see the rewrite's conditions).
import { detail } from "@/lib/http/errors";

const notFound = async () => detail(404, "Not Found");

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
