-- AlterTable
ALTER TABLE "turns" ADD COLUMN "query_text" TEXT;

-- AlterTable: where a rating came from; API feedback (0..5) carries neither stars nor thumbs.
ALTER TABLE "ratings" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'ui';
ALTER TABLE "ratings" DROP CONSTRAINT "ratings_not_empty";
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_not_empty" CHECK ("stars" IS NOT NULL OR "thumbs_up" IS NOT NULL OR "source" = 'feedback');
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_source_known" CHECK ("source" IN ('ui', 'feedback'));
