-- Chat sessions created by the OpenAI-compatible API (/v1) stay out of the chat sidebar.
ALTER TABLE "chat_sessions" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'app';

-- Compare mode: each side's decision says whether it was the router's pick or the challenger,
-- instead of being stored as a user override; the vote is the only learning signal it writes.
ALTER TABLE "routing_decisions" ADD COLUMN "compare_side" TEXT;

-- A fourth compare choice: both answers were bad.
ALTER TYPE "ComparisonWinner" ADD VALUE 'both_bad';

-- Optional reason chips stored with a rating ("too long", "wrong", ...).
ALTER TABLE "ratings" ADD COLUMN "reasons" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
