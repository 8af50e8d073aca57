import type { ArgumentKind } from "@/lib/http/server-actions";

/**
 * The arguments each server action takes, by its exported name. server.ts hands this to the
 * server-action screen (lib/http/server-actions.ts), which refuses a call with other arguments
 * with 400: an action given an object where it reads a string, or no FormData where it calls
 * `form.get`, throws, and Next answers that with a 500. app/action-arguments.test.ts keeps the
 * table in step with the actions' signatures.
 */
export const actionArguments: Readonly<Record<string, readonly ArgumentKind[]>> = {
  // app/actions.ts: forms through useActionState, (previous state, FormData).
  signInAction: ["state", "form"],
  signUpAction: ["state", "form"],
  createKeyAction: ["state", "form"],
  changePasswordAction: ["state", "form"],
  signOutAction: ["form?"], // the nav's sign-out form passes its FormData
  // app/(dashboard)/keys/actions.ts
  revokeKey: ["text"],
  deleteKey: ["text"],
  // app/(admin)/admin/actions.ts
  updateUserAction: ["text", "text"],
  // app/job-actions.ts
  cancelJobAction: ["text"],
  rerunJobAction: ["text", "record"],
  deleteJobAction: ["text"],
};
