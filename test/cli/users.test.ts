/** `switchboard users` against the run's PostgreSQL database. */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { prisma } from "@/lib/db/client";
import { switchboard } from "../support/cli";
import { seedAnswer, seedModels } from "../support/seed";

// Every command is a process of its own: seconds each on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

afterAll(() => prisma.$disconnect());

const newEmail = () => `cli-${randomUUID().slice(0, 8)}@example.test`;

describe("switchboard users", () => {
  it("create-admin makes an admin that signs in with the password from stdin, and refuses a taken or invalid email", async () => {
    const email = newEmail();
    const created = await switchboard(["users", "create-admin", "--email", email.toUpperCase(), "--name", "Ops", "--password-stdin"], {
      input: "correct horse battery\n",
    });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`created admin ${email}`);
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ role: "admin", name: "Ops" });
    expect(await verifyPassword("correct horse battery", user.passwordHash ?? "")).toBe(true);

    const again = await switchboard(["users", "create-admin", "--email", email], { input: "another password\n" });
    expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining(`--email: an account with ${email} already exists`) });
    const invalid = await switchboard(["users", "create-admin", "--email", "not-an-email"]);
    expect(invalid).toMatchObject({ code: 2, stderr: expect.stringContaining("--email: Enter a valid email address.") });
    const short = await switchboard(["users", "create-admin", "--email", newEmail(), "--password-stdin"], { input: "short\n" });
    expect(short).toMatchObject({ code: 2, stderr: expect.stringContaining("--password-stdin: Password must be at least 8 characters.") });
  });

  it("reset-password prints a generated password that then verifies, ends the account's sessions and revokes its API keys; an unknown email is exit 2", async () => {
    const email = newEmail();
    await switchboard(["users", "create-admin", "--email", email], { input: "" });
    const before = await prisma.user.findUniqueOrThrow({ where: { email } });
    await prisma.apiKey.create({ data: { userId: before.id, name: "laptop", prefix: "sb-reset", keyHash: `hash-${email}` } });
    const reset = await switchboard(["users", "reset-password", "--email", email]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain("every session signed out, 1 API key(s) revoked");
    const password = /^password: (\S+)$/m.exec(reset.stdout)?.[1];
    expect(password).toBeDefined();
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    expect(await verifyPassword(password as string, user.passwordHash ?? "")).toBe(true);
    // A session cookie carries the version it was issued under: the old ones no longer match.
    expect(user.sessionVersion).toBe(before.sessionVersion + 1);
    expect(await prisma.apiKey.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);

    const unknown = await switchboard(["users", "reset-password", "--email", newEmail()]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining("--email: no user with email") });
  });

  it("set-role promotes and demotes, never the last administrator, and names a bad role", async () => {
    const admins = await prisma.user.findMany({ where: { role: "admin" }, select: { id: true } });
    await prisma.user.updateMany({ where: { role: "admin" }, data: { role: "user" } });
    try {
      const only = newEmail();
      await switchboard(["users", "create-admin", "--email", only], { input: "" });
      const other = newEmail();
      await prisma.user.create({ data: { email: other, role: "user" } });

      const lastDemoted = await switchboard(["users", "set-role", "--email", only, "--role", "user"]);
      expect(lastDemoted).toMatchObject({ code: 2, stderr: expect.stringContaining(`--role: ${only} is the only administrator`) });
      const promoted = await switchboard(["users", "set-role", "--email", other, "--role", "admin"]);
      expect(promoted).toMatchObject({ code: 0, stdout: expect.stringContaining(`${other} is now an administrator`) });
      const demoted = await switchboard(["users", "set-role", "--email", only, "--role", "user"]);
      expect(demoted).toMatchObject({ code: 0, stdout: expect.stringContaining(`${only} is now a plain user`) });
      expect((await prisma.user.findUniqueOrThrow({ where: { email: only } })).role).toBe("user");

      const bad = await switchboard(["users", "set-role", "--email", other, "--role", "owner"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--role");
      const unknown = await switchboard(["users", "set-role", "--email", newEmail(), "--role", "admin"]);
      expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining("--email: no user with email") });
    } finally {
      await prisma.user.updateMany({ where: { id: { in: admins.map((a) => a.id) } }, data: { role: "admin" } });
    }
  });

  it("delete needs --yes and then removes the account with its chats", async () => {
    await seedModels([{ id: "cli-users-model", description: "a model" }]);
    const email = newEmail();
    const user = await prisma.user.create({ data: { email, role: "user" } });
    await seedAnswer({ userId: user.id, question: "What is TCP?", modelId: "cli-users-model" });

    const unconfirmed = await switchboard(["users", "delete", "--email", email]);
    expect(unconfirmed).toMatchObject({ code: 2, stderr: expect.stringContaining("--yes: deleting") });
    expect(await prisma.chatSession.count({ where: { userId: user.id } })).toBe(1);

    const deleted = await switchboard(["users", "delete", "--email", email, "--yes"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await prisma.user.count({ where: { email } })).toBe(0);
    expect(await prisma.chatSession.count({ where: { userId: user.id } })).toBe(0);

    const listed = await switchboard(["users", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(email);
  });
});
