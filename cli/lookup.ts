import { CliError } from "./options";

/** A valid, normalized email, or a CliError naming the flag it came from. */
export async function emailFrom(flag: string, value: string): Promise<string> {
  const { emailSchema } = await import("@/lib/auth/password");
  const parsed = emailSchema.safeParse(value);
  if (!parsed.success) throw new CliError(`${flag}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/** The stored user a flag names by email. */
export async function userFrom(flag: string, value: string) {
  const email = await emailFrom(flag, value);
  const { getUserByEmail } = await import("@/lib/db/queries/users");
  const user = await getUserByEmail({ email });
  if (!user) throw new CliError(`${flag}: no user with email ${email}`);
  return user;
}
