-- Identity: users, namespaces (groups and personal), projects, routes, memberships, tokens,
-- instance settings. Enumerated text columns are guarded by CHECK constraints.

-- AlterTable
ALTER TABLE "auth_token"."signing_keys" ADD COLUMN "activates_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "auth_token"."users" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "username_key" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "email_key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT,
    "admin" BOOLEAN NOT NULL DEFAULT false,
    "state" TEXT NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "users_state_check" CHECK ("state" IN ('active', 'blocked')),
    CONSTRAINT "users_username_key_check" CHECK ("username_key" = lower("username")),
    CONSTRAINT "users_email_key_check" CHECK ("email_key" = lower("email"))
);

-- CreateTable
CREATE TABLE "auth_token"."namespaces" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "full_path" TEXT NOT NULL,
    "parent_id" INTEGER,
    "owner_id" INTEGER,
    "visibility" TEXT NOT NULL DEFAULT 'private',
    "description" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "namespaces_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "namespaces_kind_check" CHECK (
        ("kind" = 'group' AND "owner_id" IS NULL)
        OR ("kind" = 'user' AND "owner_id" IS NOT NULL AND "parent_id" IS NULL)
    ),
    CONSTRAINT "namespaces_visibility_check" CHECK ("visibility" IN ('public', 'internal', 'private'))
);

-- CreateTable
CREATE TABLE "auth_token"."projects" (
    "id" SERIAL NOT NULL,
    "namespace_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "full_path" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "visibility" TEXT NOT NULL DEFAULT 'private',
    "container_registry_access_level" TEXT NOT NULL DEFAULT 'enabled',
    "package_registry_access_level" TEXT NOT NULL DEFAULT 'enabled',
    "job_token_scope_enabled" BOOLEAN NOT NULL DEFAULT true,
    "creator_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "projects_visibility_check" CHECK ("visibility" IN ('public', 'internal', 'private')),
    CONSTRAINT "projects_container_registry_access_level_check"
        CHECK ("container_registry_access_level" IN ('disabled', 'private', 'enabled')),
    CONSTRAINT "projects_package_registry_access_level_check"
        CHECK ("package_registry_access_level" IN ('disabled', 'private', 'enabled', 'public'))
);

-- CreateTable
CREATE TABLE "auth_token"."routes" (
    "path_key" TEXT NOT NULL,
    "full_path" TEXT NOT NULL,
    "namespace_id" INTEGER,
    "project_id" INTEGER,

    CONSTRAINT "routes_pkey" PRIMARY KEY ("path_key"),
    CONSTRAINT "routes_one_source_check" CHECK (("namespace_id" IS NULL) <> ("project_id" IS NULL)),
    CONSTRAINT "routes_path_key_check" CHECK ("path_key" = lower("full_path"))
);

-- CreateTable
CREATE TABLE "auth_token"."members" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "namespace_id" INTEGER,
    "project_id" INTEGER,
    "access_level" INTEGER NOT NULL,
    "expires_at" DATE,
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "members_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "members_one_source_check" CHECK (("namespace_id" IS NULL) <> ("project_id" IS NULL)),
    CONSTRAINT "members_access_level_check" CHECK ("access_level" IN (10, 20, 30, 40, 50))
);

-- CreateTable
CREATE TABLE "auth_token"."personal_access_tokens" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "token_digest" TEXT NOT NULL,
    "scopes" TEXT[],
    "expires_at" DATE,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "personal_access_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_token"."deploy_tokens" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "token_digest" TEXT NOT NULL,
    "scopes" TEXT[],
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "project_id" INTEGER,
    "namespace_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deploy_tokens_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "deploy_tokens_one_owner_check" CHECK (("namespace_id" IS NULL) <> ("project_id" IS NULL))
);

-- CreateTable
CREATE TABLE "auth_token"."job_tokens" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "job_id" TEXT,
    "token_digest" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_token"."job_token_scope_links" (
    "source_project_id" INTEGER NOT NULL,
    "target_project_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_token_scope_links_pkey" PRIMARY KEY ("target_project_id","source_project_id")
);

-- CreateTable
CREATE TABLE "auth_token"."application_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "package_registry_allow_anyone_to_pull_option" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "application_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "application_settings_singleton_check" CHECK ("id" = 1)
);

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key_key" ON "auth_token"."users"("username_key");
CREATE UNIQUE INDEX "users_email_key_key" ON "auth_token"."users"("email_key");
CREATE UNIQUE INDEX "namespaces_owner_id_key" ON "auth_token"."namespaces"("owner_id");
CREATE INDEX "namespaces_parent_id_idx" ON "auth_token"."namespaces"("parent_id");
CREATE INDEX "projects_namespace_id_idx" ON "auth_token"."projects"("namespace_id");
CREATE UNIQUE INDEX "routes_namespace_id_key" ON "auth_token"."routes"("namespace_id");
CREATE UNIQUE INDEX "routes_project_id_key" ON "auth_token"."routes"("project_id");
CREATE INDEX "members_user_id_idx" ON "auth_token"."members"("user_id");
CREATE UNIQUE INDEX "members_namespace_id_user_id_key" ON "auth_token"."members"("namespace_id", "user_id");
CREATE UNIQUE INDEX "members_project_id_user_id_key" ON "auth_token"."members"("project_id", "user_id");
CREATE UNIQUE INDEX "personal_access_tokens_token_digest_key" ON "auth_token"."personal_access_tokens"("token_digest");
CREATE INDEX "personal_access_tokens_user_id_idx" ON "auth_token"."personal_access_tokens"("user_id");
CREATE UNIQUE INDEX "deploy_tokens_token_digest_key" ON "auth_token"."deploy_tokens"("token_digest");
CREATE INDEX "deploy_tokens_project_id_idx" ON "auth_token"."deploy_tokens"("project_id");
CREATE INDEX "deploy_tokens_namespace_id_idx" ON "auth_token"."deploy_tokens"("namespace_id");
CREATE UNIQUE INDEX "job_tokens_token_digest_key" ON "auth_token"."job_tokens"("token_digest");
CREATE INDEX "job_tokens_project_id_idx" ON "auth_token"."job_tokens"("project_id");

-- AddForeignKey
ALTER TABLE "auth_token"."namespaces" ADD CONSTRAINT "namespaces_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "auth_token"."namespaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "auth_token"."namespaces" ADD CONSTRAINT "namespaces_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "auth_token"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."projects" ADD CONSTRAINT "projects_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "auth_token"."namespaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "auth_token"."routes" ADD CONSTRAINT "routes_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "auth_token"."namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."routes" ADD CONSTRAINT "routes_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "auth_token"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."members" ADD CONSTRAINT "members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth_token"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."members" ADD CONSTRAINT "members_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "auth_token"."namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."members" ADD CONSTRAINT "members_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "auth_token"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."personal_access_tokens" ADD CONSTRAINT "personal_access_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth_token"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."deploy_tokens" ADD CONSTRAINT "deploy_tokens_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "auth_token"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."deploy_tokens" ADD CONSTRAINT "deploy_tokens_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "auth_token"."namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."job_tokens" ADD CONSTRAINT "job_tokens_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "auth_token"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."job_tokens" ADD CONSTRAINT "job_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth_token"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."job_token_scope_links" ADD CONSTRAINT "job_token_scope_links_source_project_id_fkey" FOREIGN KEY ("source_project_id") REFERENCES "auth_token"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_token"."job_token_scope_links" ADD CONSTRAINT "job_token_scope_links_target_project_id_fkey" FOREIGN KEY ("target_project_id") REFERENCES "auth_token"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The one settings row exists from the start.
INSERT INTO "auth_token"."application_settings" ("id") VALUES (1);
