import { z } from "zod";
import { passwordSchema } from "@/lib/auth/password";
import { text } from "@/lib/validation/text";

export const changePasswordBody = z.object({
  currentPassword: text().min(1, "Enter your current password.").max(1024),
  newPassword: passwordSchema,
});

/** Deleting an account is confirmed by typing its email address. */
export const deleteAccountBody = z.object({ confirmEmail: text().trim().toLowerCase().min(1, "Type your email address to confirm.").max(254) });
