import "server-only";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { Role } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/errors";

const FIRST_USER_LOCK = 72707370;

export type PublicUser = { id: string; email: string; name: string | null; role: Role };

const publicFields = { id: true, email: true, name: true, role: true } as const;

/** Creates a user; the first user, or the configured admin email, becomes admin. */
export async function createUser({
  email,
  passwordHash,
  name,
  adminEmail,
}: {
  email: string;
  passwordHash: string | null;
  name?: string | null;
  adminEmail?: string;
}): Promise<PublicUser> {
  try {
    return await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
      const isFirst = (await tx.user.count()) === 0;
      const role: Role = isFirst || email === adminEmail?.toLowerCase() ? "admin" : "user";
      return tx.user.create({ data: { email, passwordHash, name: name ?? null, role }, select: publicFields });
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new AppError("conflict:auth", "An account with this email already exists.");
    }
    throw err;
  }
}

export function getUserByEmail({ email }: { email: string }) {
  return prisma.user.findUnique({ where: { email }, select: { ...publicFields, passwordHash: true, sessionVersion: true } });
}

/** What a session JWT is checked against on every request: the user still exists, its version still stands, and the role now. */
export function getSessionState({ id }: { id: string }): Promise<{ role: Role; sessionVersion: number } | null> {
  return prisma.user.findUnique({ where: { id }, select: { role: true, sessionVersion: true } });
}

/** Revokes every session of the user: JWTs issued before carry the old version and are refused on their next request. */
export async function revokeSessions({ id }: { id: string }): Promise<void> {
  await prisma.user.updateMany({ where: { id }, data: { sessionVersion: { increment: 1 } } });
}

export function getUserById({ id }: { id: string }): Promise<PublicUser | null> {
  return prisma.user.findUnique({ where: { id }, select: publicFields });
}

export type SessionUser = PublicUser & { sessionVersion: number };

/**
 * Finds or creates the user behind an OAuth identity. An identity seen before
 * signs in to its user. A new one may join an existing account by email only
 * when the provider verified that email and the account has no password:
 * registration verifies no email, so a password account with the address may
 * belong to someone else (account pre-hijacking). ADMIN_EMAIL counts only
 * when verified too.
 */
export async function upsertOAuthUser({
  provider,
  providerAccountId,
  email,
  emailVerified,
  name,
  adminEmail,
}: {
  provider: string;
  providerAccountId: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  adminEmail?: string;
}): Promise<SessionUser> {
  const linked = await prisma.account.findUnique({
    where: { provider_providerAccountId: { provider, providerAccountId } },
    select: { user: { select: { ...publicFields, sessionVersion: true } } },
  });
  if (linked) return linked.user;
  const existing = await getUserByEmail({ email });
  if (existing && (!emailVerified || existing.passwordHash !== null)) {
    throw new AppError("conflict:auth", "An account with this email already exists. Sign in with its password.");
  }
  const user = existing ?? {
    ...(await createUser({ email, passwordHash: null, name, adminEmail: emailVerified ? adminEmail : undefined })),
    sessionVersion: 0,
  };
  await prisma.account.create({ data: { userId: user.id, provider, providerAccountId } });
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}

/** Every account, oldest first (the command line's `users list`). */
export function listUsers(): Promise<(PublicUser & { createdAt: Date })[]> {
  return prisma.user.findMany({ orderBy: { createdAt: "asc" }, select: { ...publicFields, createdAt: true } });
}

/** Deletes an account with everything it owns (chats, turns, ratings, votes, decisions, API keys cascade). */
export async function deleteUserByEmail({ email }: { email: string }): Promise<boolean> {
  const deleted = await prisma.user.deleteMany({ where: { email } });
  return deleted.count > 0;
}

export function getPasswordHash({ id }: { id: string }): Promise<{ passwordHash: string | null } | null> {
  return prisma.user.findUnique({ where: { id }, select: { passwordHash: true } });
}

/**
 * Sets a new password hash, and in the same transaction revokes every session and every API key of the account: a
 * password is replaced when it may be known to someone else, and a stolen session could have minted keys that
 * outlive it. Null when no account matches.
 */
export async function replacePassword({
  where,
  passwordHash,
}: {
  where: { id: string } | { email: string };
  passwordHash: string;
}): Promise<{ user: PublicUser; revokedApiKeys: number } | null> {
  return prisma.$transaction(async (tx) => {
    const [user] = await tx.user.updateManyAndReturn({ where, data: { passwordHash, sessionVersion: { increment: 1 } }, select: publicFields });
    if (!user) return null;
    const revoked = await tx.apiKey.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
    return { user, revokedApiKeys: revoked.count };
  });
}

/**
 * Gives an account a role (the command line's `users set-role`); it takes effect on the account's next request. The
 * last administrator keeps theirs: the app would have none. Null when no account has this email.
 */
export async function setRole({ email, role }: { email: string; role: Role }): Promise<PublicUser | null> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
    const user = await tx.user.findUnique({ where: { email }, select: publicFields });
    if (!user) return null;
    if (user.role === "admin" && role !== "admin" && (await tx.user.count({ where: { role: "admin" } })) === 1) {
      throw new AppError("conflict:auth", `${email} is the only administrator: make someone else an administrator first.`);
    }
    return tx.user.update({ where: { id: user.id }, data: { role }, select: publicFields });
  });
}

/** Deletes the user's own account (everything it owns cascades); the last administrator cannot leave the app without one. */
export async function deleteAccount({ id }: { id: string }): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
    const me = await tx.user.findUnique({ where: { id }, select: { role: true } });
    if (!me) throw new AppError("not_found:auth", "This account no longer exists.");
    if (me.role === "admin" && (await tx.user.count({ where: { role: "admin" } })) === 1) {
      throw new AppError(
        "conflict:auth",
        "You are the only administrator: make someone else an administrator (`switchboard users set-role`) before deleting your account.",
      );
    }
    await tx.user.delete({ where: { id } });
  });
}
