import Link from "next/link";

const LINKS = [
  { href: "/admin", label: "Overview", testId: "admin-nav-overview" },
  { href: "/admin/users", label: "Users", testId: "admin-nav-users" },
  { href: "/admin/models", label: "Models", testId: "admin-nav-models" },
  { href: "/admin/router", label: "Router", testId: "admin-nav-router" },
  { href: "/admin/decisions", label: "Decision log", testId: "admin-nav-decisions" },
] as const;

export function AdminNav({ email }: { email: string }) {
  return (
    <header className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b bg-zinc-50 px-3 py-2 text-sm sm:px-6 sm:py-3">
      <Link href="/" className="font-semibold" data-testid="admin-back-to-chat">
        Switchboard
      </Link>
      <nav className="-mx-2 flex max-w-full flex-wrap gap-1 sm:gap-3" data-testid="admin-nav" aria-label="Admin">
        {LINKS.map((l) => (
          <Link key={l.href} href={l.href} data-testid={l.testId} className="shrink-0 rounded px-2 py-1 whitespace-nowrap hover:bg-zinc-200">
            {l.label}
          </Link>
        ))}
      </nav>
      <span className="ml-auto hidden truncate text-zinc-600 sm:inline">{email}</span>
    </header>
  );
}
