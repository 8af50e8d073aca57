// next-auth's own endpoints (sign-in callback, session, CSRF) for the browser.
export const { GET, POST } = (await import("@/lib/auth/session")).handlers;
