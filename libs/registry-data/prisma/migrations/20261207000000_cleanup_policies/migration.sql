-- CreateTable: one cleanup policy per project (auth-token's project id), GitLab's fields and defaults
CREATE TABLE "registry"."container_expiration_policies" (
    "project_id" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "cadence" TEXT NOT NULL DEFAULT '1d',
    "keep_n" INTEGER DEFAULT 10,
    "older_than" TEXT DEFAULT '90d',
    "name_regex_delete" TEXT,
    "name_regex_keep" TEXT,
    "next_run_at" TIMESTAMPTZ(3),
    "run_queued_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "container_expiration_policies_pkey" PRIMARY KEY ("project_id"),
    CONSTRAINT "container_expiration_policies_cadence_check"
        CHECK ("cadence" IN ('1d', '7d', '14d', '1month', '3month')),
    CONSTRAINT "container_expiration_policies_keep_n_check"
        CHECK ("keep_n" IS NULL OR "keep_n" IN (1, 5, 10, 25, 50, 100)),
    CONSTRAINT "container_expiration_policies_older_than_check"
        CHECK ("older_than" IS NULL OR "older_than" IN ('7d', '14d', '30d', '90d'))
);

-- CreateIndex: the scheduler's due-policy scan
CREATE INDEX "container_expiration_policies_next_run_at_idx" ON "registry"."container_expiration_policies"("next_run_at");

-- AlterTable: when a policy run last started on a repository, and where it stands
ALTER TABLE "registry"."repositories" ADD COLUMN "expiration_policy_started_at" TIMESTAMPTZ(3);
ALTER TABLE "registry"."repositories" ADD COLUMN "expiration_policy_cleanup_status" TEXT NOT NULL DEFAULT 'cleanup_unscheduled';
ALTER TABLE "registry"."repositories" ADD CONSTRAINT "repositories_expiration_policy_cleanup_status_check"
    CHECK ("expiration_policy_cleanup_status" IN ('cleanup_unscheduled', 'cleanup_scheduled', 'cleanup_unfinished', 'cleanup_ongoing'));
