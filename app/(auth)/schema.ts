import { z } from "zod";
import { emailSchema, passwordSchema } from "@/lib/auth/password";

export const registerBody = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().max(80).optional(),
});

export const loginBody = z.object({ email: emailSchema, password: z.string().min(1, "Enter your password.").max(1024) });
