"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { clsx } from "clsx";
import { X } from "lucide-react";

export const Dialog = RadixDialog.Root;
export const DialogTrigger = RadixDialog.Trigger;
export const DialogClose = RadixDialog.Close;

/** A centred modal (Radix: focus trap, Escape, click outside), with a title and an optional description. */
export function DialogContent({ title, description, children, testId }: { title: string; description?: string; children: React.ReactNode; testId?: string }) {
  return (
    <RadixDialog.Portal>
      <RadixDialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
      <RadixDialog.Content
        data-testid={testId}
        className="fixed top-1/2 left-1/2 z-50 w-[min(92vw,28rem)] -translate-x-1/2 -translate-y-1/2 rounded-xl border bg-white p-5 text-zinc-900 shadow-xl focus:outline-none"
        {...(description ? {} : { "aria-describedby": undefined })}
      >
        {/* Titles and descriptions quote what the user named (a chat, a key): a long unbroken name wraps inside the box. */}
        <RadixDialog.Title className="pr-6 text-base font-semibold [overflow-wrap:anywhere]">{title}</RadixDialog.Title>
        {description ? <RadixDialog.Description className="mt-1 text-sm text-zinc-600 [overflow-wrap:anywhere]">{description}</RadixDialog.Description> : null}
        <div className="mt-4">{children}</div>
        <RadixDialog.Close aria-label="Close" className="absolute top-3 right-3 rounded p-1 text-zinc-500 hover:bg-zinc-100">
          <X className="size-4" aria-hidden />
        </RadixDialog.Close>
      </RadixDialog.Content>
    </RadixDialog.Portal>
  );
}

/** A panel sliding in from the left (the sidebar on small screens). */
export function DrawerContent({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <RadixDialog.Portal>
      <RadixDialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
      <RadixDialog.Content
        data-testid={testId}
        aria-describedby={undefined}
        className="fixed inset-y-0 left-0 z-50 flex w-[min(85vw,18rem)] flex-col bg-zinc-50 text-zinc-900 shadow-xl focus:outline-none"
      >
        <RadixDialog.Title className="sr-only">{title}</RadixDialog.Title>
        {children}
      </RadixDialog.Content>
    </RadixDialog.Portal>
  );
}

export const buttonClass = {
  primary: "rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-40",
  secondary: "rounded-md border bg-white px-3 py-1.5 text-sm hover:bg-zinc-100 disabled:opacity-40",
  danger: "rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-40",
} as const;

export function cn(...parts: Parameters<typeof clsx>) {
  return clsx(...parts);
}
