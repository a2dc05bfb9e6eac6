"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

type Mode = "login" | "register";

export function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(event.currentTarget);
    const response = await fetch(mode === "login" ? "/api/login" : "/api/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
    });
    if (response.ok) {
      router.replace("/");
      router.refresh();
      return;
    }
    const body = (await response.json().catch(() => null)) as { error?: string } | null;
    setError(body?.error ?? `Request failed (${response.status}).`);
    setPending(false);
  }

  const title = mode === "login" ? "Sign in to Switchboard" : "Create your Switchboard account";
  return (
    <main className="flex h-full items-center justify-center bg-zinc-50">
      <form onSubmit={onSubmit} className="w-full max-w-sm space-y-4 rounded-xl border bg-white p-6 shadow-sm" data-testid={`${mode}-form`}>
        <h1 className="text-xl font-semibold">{title}</h1>
        <label className="block text-sm">
          Email
          <input name="email" type="email" required autoComplete="email" data-testid="email" className="mt-1 w-full rounded-md border px-3 py-2" />
        </label>
        <label className="block text-sm">
          Password
          <input
            name="password"
            type="password"
            required
            minLength={mode === "register" ? 8 : 1}
            autoComplete={mode === "login" ? "current-password" : "new-password"}
            data-testid="password"
            className="mt-1 w-full rounded-md border px-3 py-2"
          />
        </label>
        {error && (
          <p role="alert" data-testid="auth-error" className="text-sm text-red-600">
            {error}
          </p>
        )}
        <button type="submit" disabled={pending} data-testid="auth-submit" className="w-full rounded-md bg-zinc-900 py-2 text-white disabled:opacity-50">
          {mode === "login" ? "Sign in" : "Create account"}
        </button>
        <p className="text-center text-sm text-zinc-600">
          {mode === "login" ? (
            <Link href="/register" className="underline">
              Create an account
            </Link>
          ) : (
            <Link href="/login" className="underline">
              I already have an account
            </Link>
          )}
        </p>
      </form>
    </main>
  );
}
