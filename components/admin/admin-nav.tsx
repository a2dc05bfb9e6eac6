"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/admin", label: "Overview", testId: "admin-nav-overview" },
  { href: "/admin/users", label: "Users", testId: "admin-nav-users" },
  { href: "/admin/models", label: "Models", testId: "admin-nav-models" },
  { href: "/admin/router", label: "Router", testId: "admin-nav-router" },
  { href: "/admin/decisions", label: "Decision log", testId: "admin-nav-decisions" },
] as const;

/** The admin pages' header; the link of the page the admin is on (a user's page under Users) is marked. */
export function AdminNav({ email }: { email: string }) {
  const pathname = usePathname();
  const current = (href: string) => (pathname === href || (href !== "/admin" && pathname.startsWith(`${href}/`)) ? "page" : undefined);
  return (
    <header className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b bg-zinc-50 px-3 py-2 text-sm sm:px-6 sm:py-3">
      <Link href="/" className="font-semibold" data-testid="admin-back-to-chat">
        Switchboard
      </Link>
      <nav className="-mx-2 flex max-w-full flex-wrap gap-1 sm:gap-3" data-testid="admin-nav" aria-label="Admin">
        {LINKS.map((l) => (
          <Link
            key={l.href}
            href={l.href}
            data-testid={l.testId}
            aria-current={current(l.href)}
            className="shrink-0 rounded px-2 py-1 whitespace-nowrap hover:bg-zinc-200 aria-[current=page]:bg-zinc-200 aria-[current=page]:font-medium"
          >
            {l.label}
          </Link>
        ))}
      </nav>
      <span className="ml-auto hidden truncate text-zinc-600 sm:inline">{email}</span>
    </header>
  );
}
