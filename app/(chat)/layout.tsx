import { redirect } from "next/navigation";
import { Sidebar } from "@/components/sidebar";
import { auth } from "@/lib/auth";
import { listChatSessions } from "@/lib/db/queries/chat-sessions";

export default async function ChatLayout({ children }: { children: React.ReactNode }) {
  const session = await auth();
  if (!session?.user?.id) redirect("/login");
  const sessions = await listChatSessions({ userId: session.user.id });
  return (
    <div className="flex h-full flex-col md:flex-row">
      <Sidebar sessions={sessions.map((s) => ({ id: s.id, title: s.title }))} user={{ email: session.user.email ?? "", role: session.user.role }} />
      <main className="flex min-h-0 min-w-0 flex-1 flex-col">{children}</main>
    </div>
  );
}
