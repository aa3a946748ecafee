-- CreateTable: packages, one row per version (versionless for Maven's artifact-level metadata)
CREATE TABLE "package_registry"."packages" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "project_path" TEXT NOT NULL,
    "package_type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "normalized_name" TEXT NOT NULL,
    "version" TEXT,
    "status" TEXT NOT NULL DEFAULT 'default',
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "packages_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "packages_project_id_package_type_normalized_name_version_idx" ON "package_registry"."packages"("project_id", "package_type", "normalized_name", "version");
CREATE INDEX "packages_status_idx" ON "package_registry"."packages"("status");

-- One live package per (project, type, name, version): concurrent publishes of the same version
-- meet here instead of creating two rows. Rows on their way out do not count.
CREATE UNIQUE INDEX "packages_live_version_key" ON "package_registry"."packages"("project_id", "package_type", "normalized_name", COALESCE("version", ''))
    WHERE "status" <> 'pending_destruction';

-- CreateTable: package files
CREATE TABLE "package_registry"."package_files" (
    "id" SERIAL NOT NULL,
    "package_id" INTEGER NOT NULL,
    "file_name" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "md5" TEXT NOT NULL,
    "sha1" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "sha512" TEXT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'default',
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "package_files_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "package_files_package_id_file_name_idx" ON "package_registry"."package_files"("package_id", "file_name");
CREATE INDEX "package_files_storage_key_idx" ON "package_registry"."package_files"("storage_key");
CREATE INDEX "package_files_status_idx" ON "package_registry"."package_files"("status");

ALTER TABLE "package_registry"."package_files" ADD CONSTRAINT "package_files_package_id_fkey" FOREIGN KEY ("package_id") REFERENCES "package_registry"."packages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable: npm dist-tags
CREATE TABLE "package_registry"."package_tags" (
    "id" SERIAL NOT NULL,
    "package_id" INTEGER NOT NULL,
    "project_id" INTEGER NOT NULL,
    "package_type" TEXT NOT NULL,
    "package_name" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "package_tags_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "package_tags_project_id_package_type_package_name_name_key" ON "package_registry"."package_tags"("project_id", "package_type", "package_name", "name");
CREATE INDEX "package_tags_package_id_idx" ON "package_registry"."package_tags"("package_id");

ALTER TABLE "package_registry"."package_tags" ADD CONSTRAINT "package_tags_package_id_fkey" FOREIGN KEY ("package_id") REFERENCES "package_registry"."packages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable: the pipelines that published a package
CREATE TABLE "package_registry"."package_build_infos" (
    "id" SERIAL NOT NULL,
    "package_id" INTEGER NOT NULL,
    "pipeline_id" INTEGER,
    "ref" TEXT,
    "sha" TEXT,
    "user_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "package_build_infos_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "package_build_infos_package_id_created_at_idx" ON "package_registry"."package_build_infos"("package_id", "created_at");

ALTER TABLE "package_registry"."package_build_infos" ADD CONSTRAINT "package_build_infos_package_id_fkey" FOREIGN KEY ("package_id") REFERENCES "package_registry"."packages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable: per-group duplicate settings, one row per format
CREATE TABLE "package_registry"."namespace_package_settings" (
    "namespace_id" INTEGER NOT NULL,
    "namespace_path" TEXT NOT NULL,
    "package_type" TEXT NOT NULL,
    "duplicates_allowed" BOOLEAN NOT NULL,
    "duplicate_exception_regex" TEXT NOT NULL DEFAULT '',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "namespace_package_settings_pkey" PRIMARY KEY ("namespace_id", "package_type")
);

CREATE INDEX "namespace_package_settings_namespace_path_idx" ON "package_registry"."namespace_package_settings"("namespace_path");

-- CreateTable: protection rules
CREATE TABLE "package_registry"."package_protection_rules" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "package_name_pattern" TEXT NOT NULL,
    "package_type" TEXT NOT NULL,
    "minimum_access_level_for_push" TEXT,
    "minimum_access_level_for_delete" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "package_protection_rules_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "package_protection_rules_project_id_package_type_package_name_pattern_key" ON "package_registry"."package_protection_rules"("project_id", "package_type", "package_name_pattern");

-- CreateTable: package cleanup policies
CREATE TABLE "package_registry"."package_cleanup_policies" (
    "project_id" INTEGER NOT NULL,
    "keep_n_duplicated_package_files" TEXT NOT NULL DEFAULT 'all',
    "next_run_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "package_cleanup_policies_pkey" PRIMARY KEY ("project_id")
);

CREATE INDEX "package_cleanup_policies_next_run_at_idx" ON "package_registry"."package_cleanup_policies"("next_run_at");

-- CreateTable: objects waiting to be removed
CREATE TABLE "package_registry"."package_storage_deletions" (
    "storage_key" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "package_storage_deletions_pkey" PRIMARY KEY ("storage_key")
);

CREATE INDEX "package_storage_deletions_due_at_idx" ON "package_registry"."package_storage_deletions"("due_at");
