-- AlterTable: the pipeline a CI job token's job runs in (package build infos record it)
ALTER TABLE "auth_token"."job_tokens" ADD COLUMN "pipeline_id" BIGINT;
ALTER TABLE "auth_token"."job_tokens" ADD COLUMN "ref" TEXT;
ALTER TABLE "auth_token"."job_tokens" ADD COLUMN "sha" TEXT;
