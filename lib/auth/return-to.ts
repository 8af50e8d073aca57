/**
 * Where sign-in sends someone back to: a path on this site only. "//host/x", "/\\host" and
 * absolute URLs would leave it (an open redirect), so they fall back to the home page.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return "/";
  // The auth pages themselves are no place to return to.
  if (/^\/sign-(in|up)(?:[/?#]|$)/.test(value)) return "/";
  return value;
}

/** The sign-in page, told to come back to `returnTo` afterwards. */
export function signInHref(returnTo: string): string {
  const path = safeReturnPath(returnTo);
  return path === "/" ? "/sign-in" : `/sign-in?callbackUrl=${encodeURIComponent(path)}`;
}
