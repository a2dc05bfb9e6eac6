import type { Metadata } from "next";
import "highlight.js/styles/github.css";
import "./globals.css";

export const metadata: Metadata = {
  title: "Switchboard",
  description: "Self-hosted chat that routes every turn to the LLM that suits you best.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="h-screen bg-white text-zinc-900 antialiased">{children}</body>
    </html>
  );
}
