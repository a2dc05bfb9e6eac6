import { randomBytes } from "node:crypto";
import { type Command, Option } from "commander";
import { emailFrom } from "../lookup";
import { CliError, readPasswordFromStdin } from "../options";

type PasswordOptions = { passwordStdin?: boolean };

/** The new password: the first line of stdin with --password-stdin, else a generated one that is printed once. */
async function newPassword(opts: PasswordOptions): Promise<{ password: string; generated: boolean }> {
  if (!opts.passwordStdin) return { password: randomBytes(12).toString("base64url"), generated: true };
  const { passwordSchema } = await import("@/lib/auth/password");
  const parsed = passwordSchema.safeParse(await readPasswordFromStdin());
  if (!parsed.success) throw new CliError(`--password-stdin: ${parsed.error.issues[0].message}`);
  return { password: parsed.data, generated: false };
}

const passwordHelp = "read the password from the first line of stdin (default: generate one and print it)";

export function registerUsers(program: Command): void {
  const users = program.command("users").description("accounts: list, create an admin, set a role, reset a password, delete");

  users
    .command("list")
    .description("list every account, oldest first")
    .action(async () => {
      const { listUsers } = await import("@/lib/db/queries/users");
      for (const u of await listUsers()) console.log(`${u.role.padEnd(5)}  ${u.email}  ${u.createdAt.toISOString()}  ${u.id}`);
    });

  users
    .command("create-admin")
    .description("create an admin account that signs in with email and password")
    .requiredOption("--email <email>", "the account's email")
    .option("--name <name>", "display name")
    .option("--password-stdin", passwordHelp)
    .action(async (opts: PasswordOptions & { email: string; name?: string }) => {
      const email = await emailFrom("--email", opts.email);
      const { password, generated } = await newPassword(opts);
      const { hashPassword } = await import("@/lib/auth/password");
      const { createUser, getUserByEmail } = await import("@/lib/db/queries/users");
      if (await getUserByEmail({ email }))
        throw new CliError(`--email: an account with ${email} already exists (reset its password with \`users reset-password\`)`);
      // Naming the email as the admin email makes this account an admin whatever ADMIN_EMAIL says.
      const user = await createUser({ email, passwordHash: await hashPassword(password), name: opts.name ?? null, adminEmail: email });
      console.log(`created ${user.role} ${user.email} (${user.id})`);
      if (generated) console.log(`password: ${password}`);
    });

  users
    .command("set-role")
    .description("make an account an administrator or a plain user; it takes effect on the account's next request")
    .requiredOption("--email <email>", "the account's email")
    .addOption(new Option("--role <role>", "the account's new role").choices(["admin", "user"]).makeOptionMandatory())
    .action(async (opts: { email: string; role: "admin" | "user" }) => {
      const email = await emailFrom("--email", opts.email);
      const { setRole } = await import("@/lib/db/queries/users");
      const { AppError } = await import("@/lib/errors");
      const user = await setRole({ email, role: opts.role }).catch((err: unknown) => {
        throw err instanceof AppError ? new CliError(`--role: ${err.message}`) : err;
      });
      if (!user) throw new CliError(`--email: no user with email ${email}`);
      console.log(`${user.email} is now ${user.role === "admin" ? "an administrator" : "a plain user"}`);
    });

  users
    .command("reset-password")
    .description("give an account a new password, signing out its sessions and revoking its API keys")
    .requiredOption("--email <email>", "the account's email")
    .option("--password-stdin", passwordHelp)
    .action(async (opts: PasswordOptions & { email: string }) => {
      const email = await emailFrom("--email", opts.email);
      const { password, generated } = await newPassword(opts);
      const { hashPassword } = await import("@/lib/auth/password");
      const { replacePassword } = await import("@/lib/db/queries/users");
      const replaced = await replacePassword({ where: { email }, passwordHash: await hashPassword(password) });
      if (!replaced) throw new CliError(`--email: no user with email ${email}`);
      console.log(`new password set for ${replaced.user.email}; every session signed out, ${replaced.revokedApiKeys} API key(s) revoked`);
      if (generated) console.log(`password: ${password}`);
    });

  users
    .command("delete")
    .description("delete an account with its chats, ratings, votes, routing decisions and API keys")
    .requiredOption("--email <email>", "the account's email")
    .option("--yes", "confirm: the deletion cannot be undone")
    .action(async (opts: { email: string; yes?: boolean }) => {
      const email = await emailFrom("--email", opts.email);
      if (!opts.yes) throw new CliError(`--yes: deleting ${email} removes all of its data and cannot be undone; pass --yes to confirm`);
      const { deleteUserByEmail } = await import("@/lib/db/queries/users");
      if (!(await deleteUserByEmail({ email }))) throw new CliError(`--email: no user with email ${email}`);
      console.log(`deleted ${email}`);
    });
}
