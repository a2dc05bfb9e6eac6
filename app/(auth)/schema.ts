import { z } from "zod";
import { emailSchema, passwordSchema } from "@/lib/auth/password";
import { text } from "@/lib/validation/text";

export const registerBody = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: text().trim().max(80).optional(),
});

export const loginBody = z.object({ email: emailSchema, password: text().min(1, "Enter your password.").max(1024) });
