import { expect, type APIRequestContext } from "@playwright/test";

/**
 * A fresh account's API key through the contract's own POST /register, for specs that act as
 * one or more API users. The address is unique per call, so specs never share an account.
 */
export async function registerKey(request: APIRequestContext, name: string): Promise<string> {
  const response = await request.post("/register", { data: { email: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com` } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { api_key: string }).api_key;
}

/** The header a keyed call carries. */
export const withKey = (apiKey: string) => ({ "X-API-Key": apiKey });
