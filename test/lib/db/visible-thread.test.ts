import { describe, expect, it } from "vitest";
import { visibleThread } from "@/lib/db/queries/turns";

type T = { id: string; role: "user" | "assistant"; parentId: string | null; editOfId: string | null; lostVote: boolean };

const user = (id: string, editOfId: string | null = null): T => ({ id, role: "user", parentId: null, editOfId, lostVote: false });
const answer = (id: string, parentId: string, lostVote = false): T => ({ id, role: "assistant", parentId, editOfId: null, lostVote });
const ids = (turns: T[]) => visibleThread(turns).map((t) => t.id);

describe("visibleThread", () => {
  it("shows every message with its newest answer that did not lose a vote", () => {
    expect(ids([user("u1"), answer("a1", "u1"), answer("a1b", "u1"), user("u2"), answer("a2", "u2"), answer("a2b", "u2", true)])).toEqual([
      "u1",
      "a1b",
      "u2",
      "a2",
    ]);
  });

  it("replaces an edited message and everything after it with the edit and what follows the edit", () => {
    const turns = [user("u1"), answer("a1", "u1"), user("u2"), answer("a2", "u2"), user("u3"), answer("a3", "u3"), user("e2", "u2"), answer("ae2", "e2")];
    expect(ids(turns)).toEqual(["u1", "a1", "e2", "ae2"]);
    expect(ids([...turns, user("u4"), answer("a4", "u4")])).toEqual(["u1", "a1", "e2", "ae2", "u4", "a4"]);
  });

  it("follows the newest edit of a message, and edits of edits", () => {
    const twice = [user("u1"), answer("a1", "u1"), user("e1", "u1"), answer("ae1", "e1"), user("f1", "u1"), answer("af1", "f1")];
    expect(ids(twice)).toEqual(["f1", "af1"]);
    const chained = [user("u1"), answer("a1", "u1"), user("e1", "u1"), answer("ae1", "e1"), user("g1", "e1"), answer("ag1", "g1")];
    expect(ids(chained)).toEqual(["g1", "ag1"]);
  });

  it("shows an edit whose answer has not been stored yet, and regenerated answers of an edit", () => {
    expect(ids([user("u1"), answer("a1", "u1"), user("e1", "u1")])).toEqual(["e1"]);
    expect(ids([user("u1"), answer("a1", "u1"), user("e1", "u1"), answer("ae1", "e1"), answer("ae1b", "e1")])).toEqual(["e1", "ae1b"]);
  });
});
