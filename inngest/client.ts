import { Inngest, type ClientOptions } from "inngest";
import { env } from "@/lib/env";

/**
 * The one Inngest client. Where it sends events and who calls its functions is decided here
 * and nowhere else:
 * - "inngest": INNGEST_BASE_URL and/or INNGEST_EVENT_KEY are set. Inngest Cloud (keys only)
 *   or a self-hosted `inngest start` (INNGEST_BASE_URL + keys). Requests are signed.
 * - "local": neither is set. The local engine (inngest/engine) runs inside the web process;
 *   the client is in dev mode and posts its events to the engine on this server's own port.
 */
export type OrchestrationMode = "local" | "inngest";

const appId = "framewise";

export function orchestrationMode(): OrchestrationMode {
  const config = env();
  return config.INNGEST_BASE_URL || config.INNGEST_EVENT_KEY ? "inngest" : "local";
}

/**
 * Where the local engine's event API (`/e/<key>`) is reached: ENGINE_URL, else the URL the
 * running engine was started with (known once the server listens, even with PORT=0; shared
 * through globalThis with Next's bundled copy of this module), else this server's PORT.
 */
export function localEngineBaseUrl(): string {
  const config = env();
  const started = (globalThis as { __framewiseEngine?: { appUrl?: string } }).__framewiseEngine?.appUrl;
  return (config.ENGINE_URL ?? started ?? `http://127.0.0.1:${config.PORT}`).replace(/\/?$/, "/");
}

function clientOptions(): ClientOptions {
  const config = env();
  if (orchestrationMode() === "local") {
    // A getter: the SDK keeps this object and reads `baseUrl` on every send (inngest 4.24.0).
    return {
      id: appId,
      isDev: true,
      get baseUrl() {
        return localEngineBaseUrl();
      },
    };
  }
  return {
    id: appId,
    baseUrl: config.INNGEST_BASE_URL,
    eventKey: config.INNGEST_EVENT_KEY,
    signingKey: config.INNGEST_SIGNING_KEY,
  };
}

export const inngest = new Inngest(clientOptions());
