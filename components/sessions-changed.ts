/** Window event the chat fires when the user's session list may have changed (a new chat, a new title). */
export const SESSIONS_CHANGED = "switchboard:sessions-changed";

export function announceSessionsChanged(): void {
  window.dispatchEvent(new Event(SESSIONS_CHANGED));
}
