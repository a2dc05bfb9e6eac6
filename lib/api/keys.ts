import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { type ApiKeySummary, createApiKey, findActiveApiKeyOwner } from "@/lib/db/queries/api-keys";
import { AppError } from "@/lib/errors";

const KEY_PREFIX = "sk-sb-";
/** Characters of the key kept in clear so users can tell their keys apart. */
const DISPLAY_CHARS = KEY_PREFIX.length + 6;

/** Keys carry 256 random bits, so a fast unsalted hash is enough: there is nothing to brute-force. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Creates a key for a user; the secret is returned once and only its hash is stored. */
export async function issueApiKey({ userId, name }: { userId: string; name: string }): Promise<{ key: string; apiKey: ApiKeySummary }> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const apiKey = await createApiKey({ userId, name, prefix: key.slice(0, DISPLAY_CHARS), keyHash: hashApiKey(key) });
  return { key, apiKey };
}

/** The user behind an `Authorization: Bearer sk-sb-...` header; anything else is a 401. */
export async function authenticateApiKey(request: Request): Promise<{ keyId: string; userId: string }> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new AppError("unauthorized:api", "Missing API key: send `Authorization: Bearer sk-sb-...`. Create a key under Settings.");
  const key = match[1];
  const owner = key.startsWith(KEY_PREFIX) ? await findActiveApiKeyOwner({ keyHash: hashApiKey(key) }) : null;
  if (!owner) throw new AppError("unauthorized:api", "Invalid or revoked API key.");
  return owner;
}
