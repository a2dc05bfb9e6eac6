import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiKey, hashApiKey, issueApiKey } from "@/lib/api/keys";
import { prisma } from "@/lib/db/client";
import { listApiKeys, MAX_ACTIVE_KEYS, revokeApiKey } from "@/lib/db/queries/api-keys";
import { AppError } from "@/lib/errors";

let userId: string;
let otherId: string;

const bearer = (key: string) => new Request("http://localhost/v1/models", { headers: { authorization: `Bearer ${key}` } });

async function expectUnauthorized(request: Request) {
  const err = await authenticateApiKey(request).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe("unauthorized:api");
}

beforeAll(async () => {
  userId = (await prisma.user.create({ data: { email: `keys-${randomUUID()}@example.test` } })).id;
  otherId = (await prisma.user.create({ data: { email: `keys-${randomUUID()}@example.test` } })).id;
});

afterAll(async () => {
  await prisma.user.deleteMany({ where: { id: { in: [userId, otherId] } } });
});

describe("API keys", () => {
  it("stores only the hash and a display prefix, and authenticates the secret", async () => {
    const { key, apiKey } = await issueApiKey({ userId, name: "laptop" });
    expect(key).toMatch(/^sk-sb-[A-Za-z0-9_-]{43}$/);
    expect(apiKey.prefix).toBe(key.slice(0, 12));
    const row = await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.keyHash).toBe(hashApiKey(key));
    expect(row.keyHash).not.toContain(key.slice(6));
    expect(row.lastUsedAt).toBeNull();

    expect(await authenticateApiKey(bearer(key))).toEqual({ keyId: apiKey.id, userId });
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).not.toBeNull();
  });

  it("rejects missing, malformed, unknown and revoked keys", async () => {
    await expectUnauthorized(new Request("http://localhost/v1/models"));
    await expectUnauthorized(new Request("http://localhost/v1/models", { headers: { authorization: "Basic abc" } }));
    await expectUnauthorized(bearer("sk-other-prefix"));
    await expectUnauthorized(bearer(`sk-sb-${"x".repeat(43)}`));

    const { key, apiKey } = await issueApiKey({ userId, name: "to revoke" });
    await revokeApiKey({ id: apiKey.id, userId });
    await revokeApiKey({ id: apiKey.id, userId });
    await expectUnauthorized(bearer(key));
    expect((await listApiKeys({ userId })).find((k) => k.id === apiKey.id)?.revokedAt).not.toBeNull();
  });

  it("hides other users' keys and caps active keys per user", async () => {
    const { apiKey } = await issueApiKey({ userId: otherId, name: "theirs" });
    await expect(revokeApiKey({ id: apiKey.id, userId })).rejects.toMatchObject({ code: "not_found:api" });
    expect((await listApiKeys({ userId })).map((k) => k.id)).not.toContain(apiKey.id);

    const active = await prisma.apiKey.count({ where: { userId: otherId, revokedAt: null } });
    for (let i = active; i < MAX_ACTIVE_KEYS; i++) await issueApiKey({ userId: otherId, name: `k${i}` });
    await expect(issueApiKey({ userId: otherId, name: "one too many" })).rejects.toMatchObject({ code: "conflict:api" });
  });

  it("holds the limit when keys are requested all at once", async () => {
    const burstId = (await prisma.user.create({ data: { email: `keys-${randomUUID()}@example.test` } })).id;
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 2 * MAX_ACTIVE_KEYS }, (_, i) => issueApiKey({ userId: burstId, name: `burst ${i}` })));
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(MAX_ACTIVE_KEYS);
      for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toMatchObject({ code: "conflict:api" });
      expect(await prisma.apiKey.count({ where: { userId: burstId, revokedAt: null } })).toBe(MAX_ACTIVE_KEYS);
    } finally {
      await prisma.user.delete({ where: { id: burstId } });
    }
  });
});
