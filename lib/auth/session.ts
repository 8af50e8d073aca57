import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "@/lib/db/client";
import type { UserRole } from "@/lib/db/schema";
import { authSecret } from "./secret";
import { authenticateWithPassword, getUser, type AuthUser } from "./users";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null; role: UserRole };
  }
}

const credentials = z.object({ email: z.string().min(1), password: z.string().min(1) });

/** Browser sessions: email + password, JWT cookies, role carried in the token. */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt" },
  pages: { signIn: "/sign-in" },
  // A wrong password is an answer, not a server error: keep it out of the error log.
  logger: {
    error(error) {
      if (error.name !== "CredentialsSignin") console.error("[auth]", error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const user = await authenticateWithPassword(await db(), parsed.data.email, parsed.data.password);
        if (!user) throw new CredentialsSignin();
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = (user as { role?: UserRole }).role ?? "user";
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = String(token.uid ?? token.sub);
      session.user.role = (token.role as UserRole) ?? "user";
      return session;
    },
  },
}));

/**
 * The signed-in user, re-read from the database so that a deleted account or a changed role
 * takes effect at once rather than when the token expires.
 */
export async function currentUser(): Promise<AuthUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return (await getUser(await db(), id)) ?? null;
}
