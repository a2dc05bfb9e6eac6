import "server-only";
import { getPasswordHash, replacePassword } from "@/lib/db/queries/users";
import { AppError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "./password";

/**
 * Replaces the user's password after checking the current one; every session and API key of the account is revoked.
 * Returns how many keys were.
 */
export async function changePassword({ id, currentPassword, newPassword }: { id: string; currentPassword: string; newPassword: string }): Promise<number> {
  const user = await getPasswordHash({ id });
  if (!user) throw new AppError("unauthorized:auth", "Sign in to continue.");
  if (user.passwordHash === null) throw new AppError("bad_request:auth", "This account signs in with GitHub or Google and has no password to change.");
  if (!(await verifyPassword(currentPassword, user.passwordHash))) throw new AppError("bad_request:auth", "Your current password is not correct.");
  const replaced = await replacePassword({ where: { id }, passwordHash: await hashPassword(newPassword) });
  if (!replaced) throw new AppError("unauthorized:auth", "Sign in to continue.");
  return replaced.revokedApiKeys;
}
