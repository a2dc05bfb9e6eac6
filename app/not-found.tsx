import { FileQuestion } from "lucide-react";
import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center" data-testid="not-found-page">
      <FileQuestion className="size-10 text-zinc-500" aria-hidden />
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="max-w-sm text-sm text-zinc-600">This chat or page does not exist, or it is not yours.</p>
      <Link href="/" className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700">
        Back to your chats
      </Link>
    </main>
  );
}
