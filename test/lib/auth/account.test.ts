import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { changePassword } from "@/lib/auth/account";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { prisma } from "@/lib/db/client";
import { deleteAccount } from "@/lib/db/queries/users";
import { AppError } from "@/lib/errors";

/** Changing one's password and deleting one's account, on the real database. */
const emails: string[] = [];
async function user(role: "user" | "admin", password: string | null = "correct horse battery") {
  const email = `account-${randomUUID()}@example.test`;
  emails.push(email);
  return prisma.user.create({ data: { email, role, passwordHash: password === null ? null : await hashPassword(password) } });
}
const statusOf = (p: Promise<unknown>) => p.then(() => 200).catch((e: unknown) => (e instanceof AppError ? e.status : e));

afterAll(async () => {
  await prisma.user.deleteMany({ where: { email: { in: emails } } });
});

describe("changePassword", () => {
  it("refuses a wrong current password and leaves the account as it was", async () => {
    const u = await user("user");
    expect(await statusOf(changePassword({ id: u.id, currentPassword: "not it", newPassword: "a new long passphrase" }))).toBe(400);
    const after = await prisma.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(after.passwordHash).toBe(u.passwordHash);
    expect(after.sessionVersion).toBe(u.sessionVersion);
  });

  it("replaces the password and revokes every session of the account", async () => {
    const u = await user("user");
    await changePassword({ id: u.id, currentPassword: "correct horse battery", newPassword: "a new long passphrase" });
    const after = await prisma.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(await verifyPassword("a new long passphrase", after.passwordHash!)).toBe(true);
    expect(await verifyPassword("correct horse battery", after.passwordHash!)).toBe(false);
    expect(after.sessionVersion).toBe(u.sessionVersion + 1);
  });

  it("says an OAuth account has no password to change", async () => {
    const u = await user("user", null);
    const err = await changePassword({ id: u.id, currentPassword: "x", newPassword: "a new long passphrase" }).catch((e: unknown) => e);
    expect((err as AppError).status).toBe(400);
    expect((err as AppError).message).toMatch(/no password/);
  });
});

describe("deleteAccount", () => {
  it("deletes the account with its chats", async () => {
    const u = await user("user");
    await prisma.chatSession.create({ data: { userId: u.id, title: "mine" } });
    await deleteAccount({ id: u.id });
    expect(await prisma.user.count({ where: { id: u.id } })).toBe(0);
    expect(await prisma.chatSession.count({ where: { userId: u.id } })).toBe(0);
  });

  it("refuses to delete the only administrator, and allows it once there is another", async () => {
    const others = await prisma.user.findMany({ where: { role: "admin" }, select: { id: true } });
    await prisma.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "user" } });
    try {
      const admin = await user("admin");
      expect(await statusOf(deleteAccount({ id: admin.id }))).toBe(409);
      expect(await prisma.user.count({ where: { id: admin.id } })).toBe(1);
      await user("admin");
      await deleteAccount({ id: admin.id });
      expect(await prisma.user.count({ where: { id: admin.id } })).toBe(0);
    } finally {
      await prisma.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "admin" } });
    }
  });
});
