// GET/POST/PUT /api/inngest: the Inngest serve() endpoint. Inngest (Cloud or self-hosted) or
// the local engine syncs with PUT and runs every step through POST. Always in the SDK's signed
// mode: in local mode the client holds the engine's key from DATA_DIR (inngest/client.ts), in
// Inngest mode INNGEST_SIGNING_KEY, so an unsigned or wrongly signed call is a 401 before any
// function code runs, and no sync happens without a signature either: an unsigned PUT would
// register the URL it arrived on (its Host header) with the Inngest server, and a forged one
// could point the server's signed calls elsewhere. server.ts syncs with a signed PUT at start.
import { serve } from "inngest/next";
import { inngest, orchestrationMode } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { env } from "@/lib/env";

const handlers = serve({
  client: inngest,
  functions,
  enableUnauthedSync: false,
  ...(orchestrationMode() === "inngest" && env().INNGEST_SERVE_ORIGIN ? { serveOrigin: env().INNGEST_SERVE_ORIGIN } : {}),
});

type Handler = typeof handlers.POST;

/**
 * The SDK throws (a stack in Next's 500) on a body that is not JSON, before it checks the
 * signature: that caller gets a plain 400 instead.
 */
function refusingMalformed(handler: Handler): Handler {
  return (async (...args: Parameters<Handler>) => {
    try {
      return await handler(...args);
    } catch {
      return Response.json({ detail: "Malformed request to the Inngest endpoint" }, { status: 400 });
    }
  }) as Handler;
}

export const GET = refusingMalformed(handlers.GET);
export const POST = refusingMalformed(handlers.POST);
export const PUT = refusingMalformed(handlers.PUT);
