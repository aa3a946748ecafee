-- Online garbage collection (ADR 0007).

-- CreateTable: the review delay every queueing uses; one row, written by the registry at start-up
-- from REGISTRY_GC_REVIEW_DELAY (as GitLab keeps its review-after defaults in the database).
CREATE TABLE "registry"."gc_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "review_delay_ms" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gc_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "gc_settings_one_row_check" CHECK ("id" = 1),
    CONSTRAINT "gc_settings_review_delay_ms_check" CHECK ("review_delay_ms" >= 0)
);

INSERT INTO "registry"."gc_settings" ("id", "review_delay_ms") VALUES (1, 86400000);

-- CreateTable: storage objects of deleted blob rows, deleted (and retried) after the row's commit.
CREATE TABLE "registry"."gc_storage_deletions" (
    "digest" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gc_storage_deletions_pkey" PRIMARY KEY ("digest")
);

-- CreateIndex
CREATE INDEX "gc_storage_deletions_next_attempt_at_idx" ON "registry"."gc_storage_deletions"("next_attempt_at");

-- AlterTable: the digest an upload is being committed as, from the moment its content checked out
-- until its blob row exists (nullable, no default: a catalogue-only change).
ALTER TABLE "registry"."uploads" ADD COLUMN "committing_digest" TEXT;

-- CreateIndex
CREATE INDEX "uploads_committing_digest_idx" ON "registry"."uploads"("committing_digest");
