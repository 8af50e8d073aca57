import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "@/lib/db/client";
import type { UserRole } from "@/lib/db/schema";
import { isAppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { authSecret } from "./secret";
import { signInWithPassword } from "./sign-in";
import { getSessionUser, sessionEpochOf, type AuthUser } from "./users";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null; role: UserRole; epoch: number };
  }
}

const credentials = z.object({ email: z.string().min(1), password: z.string().min(1) });

/** A sign-in refused by the brute-force limits; `detail` says when to retry (signInAction shows it). */
export class TooManySignIns extends CredentialsSignin {
  code = "too_many_sign_ins";
  constructor(readonly detail: string, readonly retryAfter: string | undefined) {
    super();
  }
}

/** Browser sessions: email + password, JWT cookies, role carried in the token. */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt" },
  pages: { signIn: "/sign-in" },
  // A wrong password is an answer, not a server error: keep it out of the error log.
  logger: {
    error(error) {
      if (!(error instanceof CredentialsSignin)) console.error("[auth]", error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const user = await signInWithPassword(await db(), parsed.data.email, parsed.data.password, clientAddress(request)).catch((error) => {
          if (isAppError(error) && error.kind === "rate_limited") throw new TooManySignIns(error.message, error.headers["Retry-After"]);
          throw error;
        });
        if (!user) throw new CredentialsSignin();
        return { id: user.id, email: user.email, name: user.name, role: user.role, epoch: await sessionEpochOf(await db(), user.id) };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = (user as { role?: UserRole }).role ?? "user";
        token.epoch = (user as { epoch?: number }).epoch ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = String(token.uid ?? token.sub);
      session.user.role = (token.role as UserRole) ?? "user";
      session.user.epoch = Number(token.epoch ?? 0);
      return session;
    },
  },
}));

/**
 * The signed-in user, re-read from the database so that a deleted or disabled account, a
 * changed role or ended sessions (endSessions) take effect at once rather than when the token
 * expires.
 */
export async function currentUser(): Promise<AuthUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return (await getSessionUser(await db(), id, session.user.epoch)) ?? null;
}
