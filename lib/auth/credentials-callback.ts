import { db } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { errorResponse } from "@/lib/http/errors";
import { assertSignInAllowed } from "./attempt-limits";

const callbackPath = /\/callback\/credentials\/?$/;

/**
 * next-auth's POST handler with the sign-in limits answered as HTTP: once the account or the
 * address has spent its wrong passwords, a scripted POST to /api/auth/callback/credentials gets
 * 429 with a `detail` saying when to retry (and Retry-After), where next-auth alone answers a
 * redirect to the sign-in page that a script reads as "try again". The sign-in page's form goes
 * through signInAction, which calls next-auth in-process and shows the message itself.
 */
export function limitCredentialsCallback<R extends Request>(post: (request: R) => Promise<Response>): (request: R) => Promise<Response> {
  return async (request) => {
    if (!callbackPath.test(new URL(request.url).pathname)) return post(request);
    const email = await emailOf(request.clone());
    const address = clientAddress(request);
    const refused = await signInRefusal(email, address);
    if (refused) return refused;
    const response = await post(request);
    // The limit was reached between the check above and authorize(): next-auth redirected with
    // TooManySignIns' code (lib/auth/session.ts); answer that as the check would have.
    if (response.headers.get("location")?.includes("code=too_many_sign_ins")) return (await signInRefusal(email, address)) ?? response;
    return response;
  };
}

async function signInRefusal(email: string, address: string): Promise<Response | null> {
  try {
    await assertSignInAllowed(await db(), email, address);
    return null;
  } catch (error) {
    return errorResponse(error);
  }
}

/** The email field of next-auth's urlencoded or JSON body; "" when there is none (the address limit still holds). */
async function emailOf(request: Request): Promise<string> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (/^application\/json/i.test(type)) {
      const body: unknown = await request.json();
      const email = body && typeof body === "object" ? (body as Record<string, unknown>).email : undefined;
      return typeof email === "string" ? email : "";
    }
    if (/^application\/x-www-form-urlencoded/i.test(type)) {
      return new URLSearchParams(await request.text()).get("email") ?? "";
    }
  } catch {
    // A body next-auth cannot read either: it answers that itself.
  }
  return "";
}
