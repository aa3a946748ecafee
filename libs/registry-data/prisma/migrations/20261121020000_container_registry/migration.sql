-- CreateTable
CREATE TABLE "registry"."repositories" (
    "id" BIGSERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "status" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "bulk_delete_started_at" TIMESTAMPTZ(3),

    CONSTRAINT "repositories_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "repositories_status_check"
        CHECK ("status" IS NULL OR "status" IN ('delete_scheduled', 'delete_ongoing', 'delete_failed'))
);

-- CreateTable
CREATE TABLE "registry"."blobs" (
    "digest" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blobs_pkey" PRIMARY KEY ("digest"),
    CONSTRAINT "blobs_size_check" CHECK ("size" >= 0)
);

-- CreateTable
CREATE TABLE "registry"."repository_blobs" (
    "repository_id" BIGINT NOT NULL,
    "digest" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "repository_blobs_pkey" PRIMARY KEY ("repository_id","digest")
);

-- CreateTable
CREATE TABLE "registry"."manifests" (
    "id" BIGSERIAL NOT NULL,
    "repository_id" BIGINT NOT NULL,
    "digest" TEXT NOT NULL,
    "media_type" TEXT NOT NULL,
    "artifact_type" TEXT,
    "subject_digest" TEXT,
    "config_digest" TEXT,
    "total_size" BIGINT NOT NULL,
    "payload" BYTEA NOT NULL,
    "annotations" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "manifests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry"."manifest_references" (
    "parent_id" BIGINT NOT NULL,
    "child_id" BIGINT NOT NULL,

    CONSTRAINT "manifest_references_pkey" PRIMARY KEY ("parent_id","child_id")
);

-- CreateTable
CREATE TABLE "registry"."layers" (
    "manifest_id" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "media_type" TEXT NOT NULL,

    CONSTRAINT "layers_pkey" PRIMARY KEY ("manifest_id","position")
);

-- CreateTable
CREATE TABLE "registry"."tags" (
    "id" BIGSERIAL NOT NULL,
    "repository_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "manifest_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry"."uploads" (
    "id" UUID NOT NULL,
    "repository_id" BIGINT NOT NULL,
    "size" BIGINT NOT NULL DEFAULT 0,
    "multipart_upload_id" TEXT,
    "parts" JSONB NOT NULL DEFAULT '[]',
    "tail_key" TEXT,
    "tail_size" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry"."gc_blob_review_queue" (
    "digest" TEXT NOT NULL,
    "review_after" TIMESTAMPTZ(3) NOT NULL,
    "review_count" INTEGER NOT NULL DEFAULT 0,
    "event" TEXT NOT NULL,

    CONSTRAINT "gc_blob_review_queue_pkey" PRIMARY KEY ("digest")
);

-- CreateTable
CREATE TABLE "registry"."gc_manifest_review_queue" (
    "repository_id" BIGINT NOT NULL,
    "manifest_id" BIGINT NOT NULL,
    "review_after" TIMESTAMPTZ(3) NOT NULL,
    "review_count" INTEGER NOT NULL DEFAULT 0,
    "event" TEXT NOT NULL,

    CONSTRAINT "gc_manifest_review_queue_pkey" PRIMARY KEY ("repository_id","manifest_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "repositories_path_key" ON "registry"."repositories"("path");

-- CreateIndex
CREATE INDEX "repositories_project_id_idx" ON "registry"."repositories"("project_id");

-- CreateIndex
CREATE INDEX "repository_blobs_digest_idx" ON "registry"."repository_blobs"("digest");

-- CreateIndex
CREATE INDEX "manifests_repository_id_subject_digest_idx" ON "registry"."manifests"("repository_id", "subject_digest");

-- CreateIndex
CREATE UNIQUE INDEX "manifests_repository_id_digest_key" ON "registry"."manifests"("repository_id", "digest");

-- CreateIndex
CREATE INDEX "manifest_references_child_id_idx" ON "registry"."manifest_references"("child_id");

-- CreateIndex
CREATE INDEX "layers_digest_idx" ON "registry"."layers"("digest");

-- CreateIndex
CREATE INDEX "tags_manifest_id_idx" ON "registry"."tags"("manifest_id");

-- CreateIndex
CREATE UNIQUE INDEX "tags_repository_id_name_key" ON "registry"."tags"("repository_id", "name");

-- CreateIndex
CREATE INDEX "uploads_updated_at_idx" ON "registry"."uploads"("updated_at");

-- CreateIndex
CREATE INDEX "gc_blob_review_queue_review_after_idx" ON "registry"."gc_blob_review_queue"("review_after");

-- CreateIndex
CREATE INDEX "gc_manifest_review_queue_review_after_idx" ON "registry"."gc_manifest_review_queue"("review_after");

-- AddForeignKey
ALTER TABLE "registry"."repository_blobs" ADD CONSTRAINT "repository_blobs_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "registry"."repositories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry"."repository_blobs" ADD CONSTRAINT "repository_blobs_digest_fkey" FOREIGN KEY ("digest") REFERENCES "registry"."blobs"("digest") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry"."manifests" ADD CONSTRAINT "manifests_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "registry"."repositories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry"."manifest_references" ADD CONSTRAINT "manifest_references_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "registry"."manifests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry"."manifest_references" ADD CONSTRAINT "manifest_references_child_id_fkey" FOREIGN KEY ("child_id") REFERENCES "registry"."manifests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry"."layers" ADD CONSTRAINT "layers_manifest_id_fkey" FOREIGN KEY ("manifest_id") REFERENCES "registry"."manifests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry"."tags" ADD CONSTRAINT "tags_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "registry"."repositories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry"."tags" ADD CONSTRAINT "tags_manifest_id_fkey" FOREIGN KEY ("manifest_id") REFERENCES "registry"."manifests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry"."uploads" ADD CONSTRAINT "uploads_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "registry"."repositories"("id") ON DELETE CASCADE ON UPDATE CASCADE;
