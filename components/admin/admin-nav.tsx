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
    <header className="flex items-center gap-4 border-b bg-zinc-50 px-6 py-3 text-sm">
      <Link href="/" className="font-semibold" data-testid="admin-back-to-chat">
        Switchboard
      </Link>
      <nav className="flex gap-3" data-testid="admin-nav">
        {LINKS.map((l) => (
          <Link key={l.href} href={l.href} data-testid={l.testId} className="rounded px-2 py-1 hover:bg-zinc-200">
            {l.label}
          </Link>
        ))}
      </nav>
      <span className="ml-auto text-zinc-500">{email}</span>
    </header>
  );
}
