"use client";

import { Check, LogOut, Menu, Pencil, Plus, Search, Trash2, X } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { logout } from "@/lib/auth/logout-action";
import { SESSIONS_CHANGED } from "./sessions-changed";
import { ThemeToggle } from "./theme-toggle";
import { buttonClass, Dialog, DialogClose, DialogContent, DialogTrigger, DrawerContent } from "./ui/dialog";

type SessionItem = { id: string; title: string };
type User = { email: string; role: "user" | "admin" };

/** One chat in the list: a link, and rename (inline) and delete (confirmed in a dialog), always reachable by keyboard. */
function SessionRow({ session, active, onChanged, onDelete }: { session: SessionItem; active: boolean; onChanged: () => void; onDelete: () => void }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(session.title);
  const [error, setError] = useState<string | null>(null);

  async function saveTitle() {
    const next = title.trim();
    if (!next || next === session.title) return setEditing(false);
    const response = await fetch(`/api/sessions/${session.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: next }),
    });
    if (!response.ok) return setError(((await response.json().catch(() => null)) as { error?: string } | null)?.error ?? "Could not rename the chat.");
    setEditing(false);
    onChanged();
  }

  if (editing) {
    return (
      <form
        className="flex flex-wrap items-center gap-1 rounded-md bg-zinc-100 p-1"
        onSubmit={(e) => {
          e.preventDefault();
          void saveTitle();
        }}
      >
        <input
          // biome-ignore lint/a11y/noAutofocus: the field appears because the user chose Rename; typing goes there.
          autoFocus
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== "Escape") return;
            setTitle(session.title);
            setEditing(false);
          }}
          aria-label="Chat title"
          data-testid="session-title-input"
          className="min-w-0 flex-1 rounded border bg-white px-2 py-1 text-sm"
        />
        <button type="submit" aria-label="Save title" data-testid="session-title-save" className="rounded p-1 hover:bg-zinc-200">
          <Check className="size-4" aria-hidden />
        </button>
        <button type="button" aria-label="Cancel renaming" onClick={() => setEditing(false)} className="rounded p-1 hover:bg-zinc-200">
          <X className="size-4" aria-hidden />
        </button>
        {error ? (
          <p role="alert" className="w-full px-1 text-xs text-red-600">
            {error}
          </p>
        ) : null}
      </form>
    );
  }

  return (
    <div className={`group flex items-center rounded-md text-sm ${active ? "bg-zinc-200" : "hover:bg-zinc-100"}`}>
      <Link href={`/chat/${session.id}`} data-testid="session-link" aria-current={active ? "page" : undefined} className="min-w-0 flex-1 truncate px-2 py-2">
        {session.title}
      </Link>
      {/* Always visible on touch screens; on wide screens on hover or keyboard focus. */}
      <div className="flex shrink-0 group-focus-within:opacity-100 group-hover:opacity-100 md:opacity-0">
        <button
          type="button"
          onClick={() => setEditing(true)}
          data-testid="session-rename"
          aria-label={`Rename chat ${session.title}`}
          title="Rename"
          className="rounded p-1.5 text-zinc-600 hover:bg-zinc-300"
        >
          <Pencil className="size-3.5" aria-hidden />
        </button>
        <Dialog>
          <DialogTrigger
            data-testid="session-delete"
            aria-label={`Delete chat ${session.title}`}
            title="Delete"
            className="rounded p-1.5 text-zinc-600 hover:bg-zinc-300"
          >
            <Trash2 className="size-3.5" aria-hidden />
          </DialogTrigger>
          <DialogContent
            title="Delete this chat?"
            description={`"${session.title}" and its ratings will be deleted; you can undo it for a few seconds.`}
            testId="session-delete-dialog"
          >
            <div className="flex justify-end gap-2">
              <DialogClose className={buttonClass.secondary}>Cancel</DialogClose>
              <DialogClose onClick={onDelete} data-testid="session-delete-confirm" className={buttonClass.danger}>
                Delete
              </DialogClose>
            </div>
          </DialogContent>
        </Dialog>
      </div>
    </div>
  );
}

type SessionMatch = { id: string; title: string; snippet: string | null };

/** Chats whose title or messages contain ``needle``, searched on the server a moment after typing stops (null while it runs). */
function useChatSearch(needle: string): SessionMatch[] | "error" | null {
  const [matches, setMatches] = useState<SessionMatch[] | "error" | null>(null);
  useEffect(() => {
    setMatches(null);
    if (!needle) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(`/api/sessions?q=${encodeURIComponent(needle)}`, { signal: controller.signal });
        setMatches(response.ok ? ((await response.json()) as { sessions: SessionMatch[] }).sessions : "error");
      } catch {
        if (!controller.signal.aborted) setMatches("error");
      }
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [needle]);
  return matches;
}

function SearchResults({ matches, needle }: { matches: SessionMatch[] | "error" | null; needle: string }) {
  const note = "px-2 py-1 text-sm text-zinc-600";
  if (matches === null) return <p className={note}>Searching…</p>;
  if (matches === "error") return <p className={note}>Search failed; try again.</p>;
  if (matches.length === 0) return <p className={note}>No chat mentions “{needle}”.</p>;
  return (
    <ul data-testid="search-results">
      {matches.map((m) => (
        <li key={m.id}>
          <Link href={`/chat/${m.id}`} data-testid="search-result" className="block rounded-md px-2 py-1.5 text-sm hover:bg-zinc-200">
            <span className="block truncate">{m.title}</span>
            {m.snippet ? <span className="line-clamp-2 text-xs text-zinc-600">{m.snippet}</span> : null}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** New chat, the chat list and the account links: the desktop sidebar and the phone drawer show the same. */
function SidebarContent({
  items,
  user,
  reload,
  onDelete,
}: {
  items: SessionItem[];
  user: User;
  reload: () => Promise<void>;
  onDelete: (session: SessionItem) => void;
}) {
  const pathname = usePathname();
  const [query, setQuery] = useState("");
  const linkClass = "flex items-center gap-1.5 rounded-md px-2 py-1 hover:bg-zinc-200 aria-[current=page]:bg-zinc-200 aria-[current=page]:font-medium";
  /** The account links mark the page the user is on, as the chat list does. */
  const currentIf = (href: string) => (pathname === href || pathname.startsWith(`${href}/`) ? "page" : undefined);
  const needle = query.trim();
  const matches = useChatSearch(needle);
  return (
    <>
      <div className="p-3">
        <Link
          href="/"
          data-testid="new-chat"
          title="New chat (Ctrl+Shift+O)"
          className="flex items-center justify-center gap-1.5 rounded-md border bg-white px-3 py-2 text-sm font-medium hover:bg-zinc-100"
        >
          <Plus className="size-4" aria-hidden />
          New chat
        </Link>
      </div>
      <div className="px-3 pb-2">
        <label className="flex items-center gap-1.5 rounded-md border bg-white px-2 py-1 text-sm focus-within:border-zinc-400">
          <Search className="size-3.5 text-zinc-600" aria-hidden />
          <input
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Search chats"
            aria-label="Search chats by title and messages"
            data-testid="session-search"
            className="min-w-0 flex-1 bg-transparent outline-none"
          />
        </label>
      </div>
      <nav className="flex-1 overflow-y-auto px-2" data-testid="session-list" aria-label="Chats">
        {needle ? <SearchResults matches={matches} needle={needle} /> : null}
        {!needle && items.length === 0 ? <p className="px-2 py-1 text-sm text-zinc-600">Your chats will be listed here.</p> : null}
        {needle
          ? null
          : items.map((s) => (
              <SessionRow
                key={`${s.id}:${s.title}`}
                session={s}
                active={pathname === `/chat/${s.id}`}
                onChanged={() => void reload()}
                onDelete={() => onDelete(s)}
              />
            ))}
      </nav>
      <div className="space-y-0.5 border-t p-3 text-sm text-zinc-700">
        <p className="truncate px-2 pb-1 text-xs text-zinc-600" data-testid="current-user">
          {user.email}
          {user.role === "admin" ? " (admin)" : ""}
        </p>
        <Link href="/my-routing" data-testid="my-routing-link" aria-current={currentIf("/my-routing")} className={linkClass}>
          My routing
        </Link>
        {user.role === "admin" ? (
          <Link href="/admin" data-testid="admin-link" aria-current={currentIf("/admin")} className={linkClass}>
            Admin
          </Link>
        ) : null}
        <Link href="/privacy" data-testid="privacy-link" aria-current={currentIf("/privacy")} className={linkClass}>
          Privacy
        </Link>
        <Link href="/settings" data-testid="settings-link" aria-current={currentIf("/settings")} className={linkClass}>
          Settings &amp; API keys
        </Link>
        <ThemeToggle />
        <form action={logout}>
          <button type="submit" data-testid="logout" className={linkClass}>
            <LogOut className="size-4" aria-hidden />
            Sign out
          </button>
        </form>
      </div>
    </>
  );
}

/** How long a deleted chat can be brought back before it is deleted on the server. */
const UNDO_MS = 5_000;

/**
 * Deletes a chat after an undo window: the chat leaves the list at once, the DELETE goes out when the window
 * ends, when another chat is deleted, or when the page is left (a keepalive request outlives the page).
 */
function useUndoableDelete(reload: () => Promise<void>) {
  const [pending, setPending] = useState<SessionItem | null>(null);
  // Deleted chats stay out of the list until a reload no longer has them, so none flashes back in between.
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const queued = useRef<SessionItem | null>(null);

  const commit = useCallback(() => {
    clearTimeout(timer.current);
    const session = queued.current;
    queued.current = null;
    setPending(null);
    if (session) void fetch(`/api/sessions/${session.id}`, { method: "DELETE", keepalive: true }).then(() => reload());
  }, [reload]);

  useEffect(() => {
    window.addEventListener("pagehide", commit);
    return () => window.removeEventListener("pagehide", commit);
  }, [commit]);

  const remove = (session: SessionItem) => {
    commit();
    setHidden((ids) => new Set(ids).add(session.id));
    queued.current = session;
    setPending(session);
    timer.current = setTimeout(commit, UNDO_MS);
  };
  const undo = () => {
    clearTimeout(timer.current);
    const session = queued.current;
    queued.current = null;
    setPending(null);
    if (session) setHidden((ids) => new Set([...ids].filter((id) => id !== session.id)));
  };
  return { pending, hidden, remove, undo };
}

/**
 * The chat list: a fixed column on wide screens, a drawer behind a menu
 * button on phones. Ctrl+Shift+O starts a new chat anywhere.
 */
export function Sidebar({ sessions, user }: { sessions: SessionItem[]; user: User }) {
  const router = useRouter();
  const pathname = usePathname();
  const [items, setItems] = useState(sessions);
  const [drawerOpen, setDrawerOpen] = useState(false);
  useEffect(() => setItems(sessions), [sessions]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: navigating (a new pathname) is what closes the drawer.
  useEffect(() => setDrawerOpen(false), [pathname]);

  // Re-reads the list on its own rather than refreshing the page, which would remount an open chat and drop what is being typed.
  const reload = useCallback(async () => {
    const response = await fetch("/api/sessions");
    if (response.ok) setItems(((await response.json()) as { sessions: SessionItem[] }).sessions);
  }, []);
  useEffect(() => {
    window.addEventListener(SESSIONS_CHANGED, reload);
    return () => window.removeEventListener(SESSIONS_CHANGED, reload);
  }, [reload]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === "o") {
        e.preventDefault();
        router.push("/");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router]);

  const { pending, hidden, remove, undo } = useUndoableDelete(reload);
  const shown = items.filter((s) => !hidden.has(s.id));
  const deleteChat = (session: SessionItem) => {
    if (pathname === `/chat/${session.id}`) router.push("/");
    remove(session);
  };
  const current = items.find((s) => pathname === `/chat/${s.id}`);
  return (
    <>
      <header className="flex items-center gap-2 border-b bg-zinc-50 px-2 py-1.5 md:hidden" data-testid="mobile-header">
        <Dialog open={drawerOpen} onOpenChange={setDrawerOpen}>
          <DialogTrigger data-testid="open-sidebar" aria-label="Open chats and menu" className="rounded-md p-2 hover:bg-zinc-200">
            <Menu className="size-5" aria-hidden />
          </DialogTrigger>
          <DrawerContent title="Chats and menu" testId="sidebar-drawer">
            <SidebarContent items={shown} user={user} reload={reload} onDelete={deleteChat} />
          </DrawerContent>
        </Dialog>
        <span className="min-w-0 flex-1 truncate text-sm font-medium">{current?.title ?? "Switchboard"}</span>
        <Link href="/" aria-label="New chat" data-testid="mobile-new-chat" className="rounded-md p-2 hover:bg-zinc-200">
          <Plus className="size-5" aria-hidden />
        </Link>
      </header>
      <aside className="hidden w-64 shrink-0 flex-col border-r bg-zinc-50 md:flex" data-testid="sidebar">
        <SidebarContent items={shown} user={user} reload={reload} onDelete={deleteChat} />
      </aside>
      {pending ? (
        <div
          role="status"
          data-testid="undo-delete"
          className="fixed top-3 left-1/2 z-50 flex -translate-x-1/2 items-center gap-3 rounded-md bg-zinc-900 px-3 py-2 text-sm text-white shadow-lg"
        >
          <span className="max-w-48 truncate">Deleted “{pending.title}”</span>
          <button type="button" onClick={undo} data-testid="undo-delete-button" className="font-medium underline underline-offset-2">
            Undo
          </button>
        </div>
      ) : null}
    </>
  );
}
