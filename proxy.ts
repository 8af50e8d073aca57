import { NextResponse, type NextRequest } from "next/server";
import { corsHeaders, isPreflight, preflightResponse } from "@/lib/http/cors";

/** CORS for every path in one place: preflights are answered here, other responses get headers. */
export function proxy(request: NextRequest) {
  if (isPreflight(request)) return preflightResponse(request);
  const response = NextResponse.next();
  for (const [name, value] of Object.entries(corsHeaders(request.headers.get("origin")))) {
    response.headers.set(name, value);
  }
  return response;
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
