"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { logout } from "@/app/(auth)/actions";
import { SESSIONS_CHANGED } from "./sessions-changed";

type SessionItem = { id: string; title: string };

export function Sidebar({ sessions, user }: { sessions: SessionItem[]; user: { email: string; role: "user" | "admin" } }) {
  const router = useRouter();
  const pathname = usePathname();
  const [items, setItems] = useState(sessions);
  useEffect(() => setItems(sessions), [sessions]);

  // Re-reads the list on its own rather than refreshing the page, which would remount an open chat and drop what is being typed.
  const reload = useCallback(async () => {
    const response = await fetch("/api/sessions");
    if (response.ok) setItems(((await response.json()) as { sessions: SessionItem[] }).sessions);
  }, []);
  useEffect(() => {
    window.addEventListener(SESSIONS_CHANGED, reload);
    return () => window.removeEventListener(SESSIONS_CHANGED, reload);
  }, [reload]);

  async function rename(session: SessionItem) {
    const title = window.prompt("Rename chat", session.title)?.trim();
    if (!title || title === session.title) return;
    const response = await fetch(`/api/sessions/${session.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ title }) });
    if (response.ok) await reload();
  }

  async function remove(session: SessionItem) {
    if (!window.confirm(`Delete "${session.title}"?`)) return;
    const response = await fetch(`/api/sessions/${session.id}`, { method: "DELETE" });
    if (!response.ok) return;
    if (pathname === `/chat/${session.id}`) router.push("/");
    await reload();
  }

  return (
    <aside className="flex w-64 shrink-0 flex-col border-r bg-zinc-50">
      <div className="p-3">
        <Link href="/" data-testid="new-chat" className="block rounded-md border bg-white px-3 py-2 text-center text-sm font-medium hover:bg-zinc-100">
          + New chat
        </Link>
      </div>
      <nav className="flex-1 overflow-y-auto px-2" data-testid="session-list">
        {items.map((s) => (
          <div key={s.id} className={`group flex items-center rounded-md text-sm ${pathname === `/chat/${s.id}` ? "bg-zinc-200" : "hover:bg-zinc-100"}`}>
            <Link href={`/chat/${s.id}`} data-testid="session-link" className="flex-1 truncate px-2 py-1.5">
              {s.title}
            </Link>
            <button type="button" onClick={() => rename(s)} data-testid="session-rename" title="Rename" className="hidden px-1 text-zinc-500 group-hover:block">
              ✎
            </button>
            <button type="button" onClick={() => remove(s)} data-testid="session-delete" title="Delete" className="hidden px-1 text-zinc-500 group-hover:block">
              ×
            </button>
          </div>
        ))}
      </nav>
      <div className="border-t p-3 text-xs text-zinc-600">
        <p className="truncate" data-testid="current-user">
          {user.email}
          {user.role === "admin" ? " (admin)" : ""}
        </p>
        {user.role === "admin" ? (
          <Link href="/admin" data-testid="admin-link" className="mt-1 block underline">
            Admin
          </Link>
        ) : null}
        <Link href="/privacy" data-testid="privacy-link" className="mt-1 block underline">
          Privacy
        </Link>
        <Link href="/settings" data-testid="settings-link" className="mt-1 block underline">
          Settings &amp; API keys
        </Link>
        <form action={logout}>
          <button type="submit" data-testid="logout" className="mt-1 underline">
            Sign out
          </button>
        </form>
      </div>
    </aside>
  );
}
