"use client";

import { useState } from "react";
import { sendJson } from "@/components/send-json";
import { buttonClass } from "@/components/ui/dialog";

type Outcome = { kind: "idle" } | { kind: "working" } | { kind: "error"; message: string } | { kind: "done"; message: string };

const field = "mt-1 w-full rounded-md border bg-white px-3 py-2 text-sm";

/** Change password and delete account. Both end every session and API key of the account, so both lead to the sign-in page. */
export function AccountSettings({ email, hasPassword }: { email: string; hasPassword: boolean }) {
  const [password, setPassword] = useState<Outcome>({ kind: "idle" });
  const [removal, setRemoval] = useState<Outcome>({ kind: "idle" });
  const [confirmEmail, setConfirmEmail] = useState("");

  async function changePassword(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get("newPassword") !== form.get("repeatPassword")) return setPassword({ kind: "error", message: "The new passwords do not match." });
    setPassword({ kind: "working" });
    const sent = await sendJson("POST", "/api/me/password", { currentPassword: form.get("currentPassword"), newPassword: form.get("newPassword") });
    if (!sent.ok) return setPassword({ kind: "error", message: sent.error });
    const { revokedApiKeys } = sent.json as { revokedApiKeys: number };
    const keys = revokedApiKeys === 0 ? "" : ` and ${revokedApiKeys === 1 ? "your API key was" : `your ${revokedApiKeys} API keys were`} revoked`;
    setPassword({ kind: "done", message: `Password changed. Every session was signed out${keys}: sign in again with the new password.` });
    setTimeout(() => window.location.assign("/login"), 1500);
  }

  async function deleteAccount(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setRemoval({ kind: "working" });
    const sent = await sendJson("DELETE", "/api/me", { confirmEmail });
    if (!sent.ok) return setRemoval({ kind: "error", message: sent.error });
    window.location.assign("/login");
  }

  return (
    <div className="mt-8 space-y-8">
      <section aria-labelledby="password-heading">
        <h2 id="password-heading" className="font-medium">
          Password
        </h2>
        {hasPassword ? (
          <form onSubmit={changePassword} className="mt-2 max-w-sm space-y-3" data-testid="password-form">
            <label className="block text-sm">
              Current password
              <input name="currentPassword" type="password" required autoComplete="current-password" className={field} data-testid="current-password" />
            </label>
            <label className="block text-sm">
              New password
              <input name="newPassword" type="password" required minLength={8} autoComplete="new-password" className={field} data-testid="new-password" />
            </label>
            <label className="block text-sm">
              Repeat the new password
              <input name="repeatPassword" type="password" required minLength={8} autoComplete="new-password" className={field} data-testid="repeat-password" />
            </label>
            <p className="text-sm text-zinc-600">Changing it signs out every session and revokes your API keys.</p>
            <button type="submit" disabled={password.kind === "working"} className={buttonClass.primary} data-testid="password-submit">
              Change password
            </button>
            <Status outcome={password} testId="password-status" />
          </form>
        ) : (
          <p className="mt-1 text-sm text-zinc-600">You sign in with GitHub or Google; this account has no password.</p>
        )}
      </section>
      <section aria-labelledby="delete-heading">
        <h2 id="delete-heading" className="font-medium text-red-700">
          Delete account
        </h2>
        <p className="mt-1 text-sm text-zinc-600">Deletes your account, chats, ratings and API keys for good. This cannot be undone.</p>
        <form onSubmit={deleteAccount} className="mt-2 max-w-sm space-y-3" data-testid="delete-account-form">
          <label className="block text-sm">
            Type <span className="font-mono">{email}</span> to confirm
            <input
              value={confirmEmail}
              onChange={(e) => setConfirmEmail(e.target.value)}
              autoComplete="off"
              className={field}
              data-testid="delete-account-email"
            />
          </label>
          <button
            type="submit"
            disabled={removal.kind === "working" || confirmEmail.trim().toLowerCase() !== email.toLowerCase()}
            className={buttonClass.danger}
            data-testid="delete-account-submit"
          >
            Delete my account
          </button>
          <Status outcome={removal} testId="delete-account-status" />
        </form>
      </section>
    </div>
  );
}

function Status({ outcome, testId }: { outcome: Outcome; testId: string }) {
  if (outcome.kind === "error")
    return (
      <p role="alert" className="text-sm text-red-700" data-testid={testId}>
        {outcome.message}
      </p>
    );
  if (outcome.kind === "done")
    return (
      <p role="status" className="text-sm text-emerald-700" data-testid={testId}>
        {outcome.message}
      </p>
    );
  return null;
}
