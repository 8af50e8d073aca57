// next-auth's own endpoints (sign-in callback, session, CSRF) for the browser. A scripted sign-in
// past the attempt limits is answered 429 rather than next-auth's redirect (lib/auth/credentials-callback.ts).
const { handlers } = await import("@/lib/auth/session");
const { limitCredentialsCallback } = await import("@/lib/auth/credentials-callback");
export const GET = handlers.GET;
export const POST = limitCredentialsCallback(handlers.POST);
