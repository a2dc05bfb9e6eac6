import bcrypt from "bcryptjs";
import { z } from "zod";

const BCRYPT_ROUNDS = 10;

/** bcrypt only reads the first 72 bytes, so longer passwords are refused rather than silently truncated. */
export const passwordSchema = z
  .string()
  .min(8, "Password must be at least 8 characters.")
  .refine((p) => Buffer.byteLength(p, "utf8") <= 72, "Password must be at most 72 bytes.");

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address.").max(254));

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_ROUNDS);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
