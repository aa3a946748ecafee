-- CreateTable: per-group settings (a group without a row has the defaults)
CREATE TABLE "dependency_proxy"."group_settings" (
    "group_id" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "anonymous_pulls" BOOLEAN NOT NULL DEFAULT false,
    "ttl_enabled" BOOLEAN NOT NULL DEFAULT false,
    "ttl_days" INTEGER NOT NULL DEFAULT 90,
    "ttl_next_run_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "group_settings_pkey" PRIMARY KEY ("group_id")
);

-- CreateIndex: the TTL scheduler's due-group scan
CREATE INDEX "group_settings_ttl_next_run_at_idx" ON "dependency_proxy"."group_settings"("ttl_next_run_at");

-- CreateTable: a group's upstreams in order
CREATE TABLE "dependency_proxy"."upstreams" (
    "id" SERIAL NOT NULL,
    "group_id" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "username" TEXT,
    "password_encrypted" TEXT,
    "prefix" TEXT,
    "library_prefix" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "upstreams_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "upstreams_group_id_position_key" ON "dependency_proxy"."upstreams"("group_id", "position");
CREATE UNIQUE INDEX "upstreams_group_id_name_key" ON "dependency_proxy"."upstreams"("group_id", "name");

ALTER TABLE "dependency_proxy"."upstreams" ADD CONSTRAINT "upstreams_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "dependency_proxy"."group_settings"("group_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable: cached manifests by the tag or digest asked for
CREATE TABLE "dependency_proxy"."cached_manifests" (
    "id" BIGSERIAL NOT NULL,
    "group_id" INTEGER NOT NULL,
    "image" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "media_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "payload" BYTEA NOT NULL,
    "upstream" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cached_manifests_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "cached_manifests_group_id_image_reference_key" ON "dependency_proxy"."cached_manifests"("group_id", "image", "reference");
CREATE INDEX "cached_manifests_group_id_image_digest_idx" ON "dependency_proxy"."cached_manifests"("group_id", "image", "digest");
CREATE INDEX "cached_manifests_group_id_read_at_idx" ON "dependency_proxy"."cached_manifests"("group_id", "read_at");

-- CreateTable: blobs per group (the object is stored once per digest)
CREATE TABLE "dependency_proxy"."cached_blobs" (
    "id" BIGSERIAL NOT NULL,
    "group_id" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cached_blobs_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "cached_blobs_group_id_digest_key" ON "dependency_proxy"."cached_blobs"("group_id", "digest");
CREATE INDEX "cached_blobs_digest_idx" ON "dependency_proxy"."cached_blobs"("digest");
CREATE INDEX "cached_blobs_group_id_read_at_idx" ON "dependency_proxy"."cached_blobs"("group_id", "read_at");

-- CreateTable: objects to delete once no cached_blobs row names their digest
CREATE TABLE "dependency_proxy"."storage_deletions" (
    "digest" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "storage_deletions_pkey" PRIMARY KEY ("digest")
);
