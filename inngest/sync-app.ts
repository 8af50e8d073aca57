import { env } from "@/lib/env";
import { canonicalJson, signatureHeader, signBody } from "./engine/signing";

/**
 * Inngest mode: tells the Inngest server where this app's functions are, at every start, so
 * nothing has to be synced by hand. A self-hosted `inngest start` otherwise learns the app's URL
 * only from `--sdk-url` (which it polls) or from its UI.
 *
 * The SDK does the work: a `PUT` to our own `/api/inngest` makes serve() POST the function
 * configs to `<INNGEST_BASE_URL>/fn/register` with the hashed signing key (an "out-of-band"
 * sync), under INNGEST_SERVE_ORIGIN when set, otherwise the request's URL as Next gives it,
 * `http://localhost:<port>/api/inngest` (checked in the server's apps table). serve() refuses
 * unsigned syncs (app/api/inngest/route.ts), so the PUT is signed like the server's own calls.
 */
export async function syncWithInngestServer(appUrl: string, options: { attempts?: number; delayMs?: number } = {}): Promise<void> {
  const signingKey = env().INNGEST_SIGNING_KEY;
  if (!signingKey) throw new Error("INNGEST_SIGNING_KEY is not set: the Inngest server would refuse this app's calls");
  const attempts = options.attempts ?? 30;
  let last = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    // The body is only signed, not read: serve() checks the signature over its canonical JSON.
    const body = canonicalJson({});
    try {
      const response = await fetch(`${appUrl.replace(/\/$/, "")}/api/inngest`, {
        method: "PUT",
        headers: { "content-type": "application/json", [signatureHeader]: signBody(signingKey, body) },
        body,
      });
      if (response.ok) return;
      // 500 with the server's message while `inngest start` is not up yet: try again.
      last = `${response.status} ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 2000));
  }
  throw new Error(`Could not sync with the Inngest server: ${last}`);
}
