-- AlterTable: a user turn may replace an earlier message of its session (edit and re-run); the replaced branch stays stored.
ALTER TABLE "turns" ADD COLUMN "edit_of_id" UUID;

-- AddForeignKey
ALTER TABLE "turns" ADD CONSTRAINT "turns_edit_of_id_fkey" FOREIGN KEY ("edit_of_id") REFERENCES "turns"("id") ON DELETE SET NULL ON UPDATE CASCADE;
