-- AlterTable: every session JWT carries the version it was issued under; bumping it (sign-out) revokes them all.
ALTER TABLE "users" ADD COLUMN "session_version" INTEGER NOT NULL DEFAULT 0;
