import type { Db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { consumeRateLimit, readRateLimits } from "@/lib/http/rate-limit";

/**
 * Brute-force limits on what anyone may try without an account: wrong passwords (per account
 * and per client address), browser sign-ups and unknown API keys (per address). They use the
 * hourly rate-limit counters, exact (every attempt written), so they hold across restarts and
 * replicas to the attempt.
 */
const signInSubjects = (email: string, address: string) => ({
  account: `sign-in:account:${email.trim().toLowerCase()}`,
  address: `sign-in:ip:${address}`,
});

/**
 * Refuses a sign-in, before the password is checked, once the account or the address has
 * used up its failures this hour: with the right password too, or guessing would go on.
 */
export async function assertSignInAllowed(db: Db, email: string, address: string, now = Date.now()): Promise<void> {
  const subjects = signInSubjects(email, address);
  const [account, client] = await Promise.all([
    readRateLimits(db, [subjects.account], now, env().SIGN_IN_FAILURES_PER_HOUR),
    readRateLimits(db, [subjects.address], now, env().SIGN_IN_FAILURES_PER_ADDRESS_PER_HOUR),
  ]);
  const spent = [account.get(subjects.account)!, client.get(subjects.address)!].find((state) => state.remaining === 0);
  if (!spent) return;
  const seconds = Math.max(1, spent.reset - Math.floor(now / 1000));
  const minutes = Math.ceil(seconds / 60);
  throw new AppError("rate_limited", `Too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`, {
    headers: { "Retry-After": String(seconds) },
  });
}

/** Counts one wrong password against the account and the address. */
export async function countSignInFailure(db: Db, email: string, address: string, now = Date.now()): Promise<void> {
  const subjects = signInSubjects(email, address);
  await Promise.all([
    countQuietly(db, subjects.account, now, env().SIGN_IN_FAILURES_PER_HOUR),
    countQuietly(db, subjects.address, now, env().SIGN_IN_FAILURES_PER_ADDRESS_PER_HOUR),
  ]);
}

/** One browser sign-up from `address`: SIGN_UP_PER_HOUR an hour, as POST /register has its own. */
export async function consumeSignUp(db: Db, address: string, now = Date.now()): Promise<void> {
  await consumeRateLimit(db, `sign-up:ip:${address}`, now, {
    limit: env().SIGN_UP_PER_HOUR,
    exact: true,
    message: "Too many sign-ups from this address; try again later",
  });
}

/**
 * One request with an API key that matches no live key. Keys carry 128 random bits, so this
 * is not about guessing one: it stops an address from probing (and loading the database) with
 * junk keys. Past UNKNOWN_KEY_PER_HOUR it answers 429 instead of 401; a right key still works.
 */
export async function countUnknownKey(db: Db, address: string, now = Date.now()): Promise<void> {
  await consumeRateLimit(db, `unknown-key:ip:${address}`, now, {
    limit: env().UNKNOWN_KEY_PER_HOUR,
    exact: true,
    message: "Too many invalid API keys from this address; try again later",
  });
}

async function countQuietly(db: Db, subject: string, now: number, limit: number): Promise<void> {
  try {
    await consumeRateLimit(db, subject, now, { limit, exact: true });
  } catch (error) {
    if (!(isAppError(error) && error.kind === "rate_limited")) throw error;
  }
}
