import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

const keyFields = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/** Active keys one user may hold, so a leaked session cannot mint keys without bound. */
export const MAX_ACTIVE_KEYS = 20;

/** How stale `lastUsedAt` may get: one write per key per minute, not one per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function listApiKeys({ userId }: { userId: string }) {
  return prisma.apiKey.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, select: keyFields });
}

export type ApiKeySummary = Awaited<ReturnType<typeof listApiKeys>>[number];

export async function createApiKey({
  userId,
  name,
  prefix,
  keyHash,
}: {
  userId: string;
  name: string;
  prefix: string;
  keyHash: string;
}): Promise<ApiKeySummary> {
  return prisma.$transaction(async (tx) => {
    // The user's row is locked so that concurrent requests count and insert one at a time: counted side by side,
    // each saw room for its key and the user ended with more than the limit.
    await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
    const active = await tx.apiKey.count({ where: { userId, revokedAt: null } });
    if (active >= MAX_ACTIVE_KEYS) throw new AppError("conflict:api", `You already have ${MAX_ACTIVE_KEYS} active API keys. Revoke one first.`);
    return tx.apiKey.create({ data: { userId, name, prefix, keyHash }, select: keyFields });
  });
}

/** Revoking is permanent and idempotent; another user's key is reported as missing. */
export async function revokeApiKey({ id, userId }: { id: string; userId: string }) {
  const key = await prisma.apiKey.findFirst({ where: { id, userId }, select: { revokedAt: true } });
  if (!key) throw new AppError("not_found:api", "API key not found.");
  if (!key.revokedAt) await prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
}

/** The owner of an active key with this hash, or null; marks the key as used. */
export async function findActiveApiKeyOwner({ keyHash }: { keyHash: string }): Promise<{ keyId: string; userId: string } | null> {
  const key = await prisma.apiKey.findUnique({ where: { keyHash }, select: { id: true, userId: true, revokedAt: true, lastUsedAt: true } });
  if (!key || key.revokedAt) return null;
  const now = Date.now();
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { keyId: key.id, userId: key.userId };
}
