import { ShieldX } from "lucide-react";
import Link from "next/link";

/** 403: shown by forbidden() to signed-in users without access (admin pages for non-admins). */
export default function Forbidden() {
  return (
    <main className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center" data-testid="forbidden-page">
      <ShieldX className="size-10 text-zinc-500" aria-hidden />
      <h1 className="text-xl font-semibold">You do not have access to this page</h1>
      <p className="max-w-sm text-sm text-zinc-600">This part of Switchboard is for administrators. Ask an administrator if you need access.</p>
      <Link href="/" data-testid="forbidden-back" className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700">
        Back to your chats
      </Link>
    </main>
  );
}
