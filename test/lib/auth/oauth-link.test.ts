import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { upsertOAuthUser } from "@/lib/db/queries/users";
import { AppError } from "@/lib/errors";

/** Joining an OAuth identity to an existing account by email, on the real database. */
const emails: string[] = [];
const email = () => {
  const e = `oauth-${randomUUID()}@example.test`;
  emails.push(e);
  return e;
};
const identity = (address: string, emailVerified: boolean) => ({
  provider: "google",
  providerAccountId: randomUUID(),
  email: address,
  emailVerified,
  name: null,
});

afterAll(async () => {
  await prisma.user.deleteMany({ where: { email: { in: emails } } });
});

describe("OAuth sign-in by email", () => {
  it("never joins a password account, verified or not: its owner may be someone who registered the address first", async () => {
    const address = email();
    const owner = await prisma.user.create({ data: { email: address, passwordHash: "$2b$10$abcdefghijklmnopqrstuu5Q1v6Jb7hJcQ8r1tB3m2mZg0t1e0uKa" } });
    for (const verified of [true, false]) {
      const err = await upsertOAuthUser(identity(address, verified)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(409);
    }
    expect(await prisma.account.count({ where: { userId: owner.id } })).toBe(0);
  });

  it("joins an OAuth-only account only with a verified email", async () => {
    const address = email();
    const first = await upsertOAuthUser({ ...identity(address, true), provider: "github" });
    const unverified = await upsertOAuthUser(identity(address, false)).catch((e: unknown) => e);
    expect(unverified).toBeInstanceOf(AppError);
    const verified = await upsertOAuthUser(identity(address, true));
    expect(verified.id).toBe(first.id);
  });

  it("grants ADMIN_EMAIL's admin role only to a verified address", async () => {
    const unverifiedAdmin = email();
    expect((await upsertOAuthUser({ ...identity(unverifiedAdmin, false), adminEmail: unverifiedAdmin })).role).toBe("user");
    const verifiedAdmin = email();
    expect((await upsertOAuthUser({ ...identity(verifiedAdmin, true), adminEmail: verifiedAdmin })).role).toBe("admin");
  });
});
