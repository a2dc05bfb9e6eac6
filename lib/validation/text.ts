import { z } from "zod";

/**
 * A string from a request: any text except NUL (U+0000), which PostgreSQL
 * cannot store in text or jsonb (SQLSTATE 22021 / 22P05). Refusing it here
 * turns what was a 500 after a half-done write into a 400 that names the field.
 */
export function text(message?: string) {
  return z.string(message).refine((s) => !s.includes("\u0000"), "must not contain NUL (\\u0000) characters.");
}
