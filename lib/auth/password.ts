import { availableParallelism } from "node:os";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";
import bcrypt from "bcrypt";
import pLimit from "p-limit";
import { z } from "zod";
import { text } from "@/lib/validation/text";

const BCRYPT_ROUNDS = 10;

/**
 * zxcvbn's score 3 means "safely unguessable" online (over 10^8 guesses): it
 * refuses "12345678", "password" and keyboard walks, whatever their length,
 * and is what keeps guesses spread over many IPs (see lib/security/rate-limit.ts) hopeless.
 */
const MIN_STRENGTH = 3;
let strength: ZxcvbnFactory | undefined;

function passwordFeedback(password: string): string | null {
  // The English translations turn zxcvbn's advice from keys ("topTen") into sentences; its English dictionary is not
  // loaded, which keeps the check as it was measured (docs/security-and-reliability.md).
  strength ??= new ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs, translations: english.translations });
  const result = strength.check(password.slice(0, 100));
  if (result.score >= MIN_STRENGTH) return null;
  return ["This password is too easy to guess.", result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(" ");
}

/** bcrypt only reads the first 72 bytes, so longer passwords are refused rather than silently truncated. */
export const passwordSchema = text()
  .min(8, "Password must be at least 8 characters.")
  .refine((p) => Buffer.byteLength(p, "utf8") <= 72, "Password must be at most 72 bytes.")
  .superRefine((p, ctx) => {
    const feedback = passwordFeedback(p);
    if (feedback) ctx.addIssue({ code: "custom", message: feedback });
  });

export const emailSchema = text().trim().toLowerCase().pipe(z.email("Enter a valid email address.").max(254));

/**
 * Native bcrypt runs on libuv's thread pool, so a login never blocks the event
 * loop (bcryptjs did, for ~60 ms a hash). At most half the cores hash at once:
 * the pool also runs every request's session crypto, and a burst of logins
 * must not take the CPU and the pool from everyone else; extra logins queue.
 */
const hashing = pLimit(Math.max(1, Math.floor(availableParallelism() / 2)));

export function hashPassword(password: string): Promise<string> {
  return hashing(() => bcrypt.hash(password, BCRYPT_ROUNDS));
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return hashing(() => bcrypt.compare(password, hash));
}

/** Compared against when the account does not exist, so an unknown email takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

/** Verifies a password against an account's hash, spending the same time when there is no account or no password. */
export async function verifyPasswordOrDummy(password: string, hash: string | null | undefined): Promise<boolean> {
  dummyHash ??= hashPassword("switchboard-no-such-account");
  const ok = await verifyPassword(password, hash ?? (await dummyHash));
  return ok && Boolean(hash);
}
