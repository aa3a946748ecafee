-- AlterTable: GitLab's container registry cleanup limits and registry token lifetime, as instance settings
ALTER TABLE "auth_token"."application_settings" ADD COLUMN "container_registry_expiration_policies_worker_capacity" INTEGER NOT NULL DEFAULT 4;
ALTER TABLE "auth_token"."application_settings" ADD COLUMN "container_registry_delete_tags_service_timeout" INTEGER NOT NULL DEFAULT 250;
ALTER TABLE "auth_token"."application_settings" ADD COLUMN "container_registry_cleanup_tags_service_max_list_size" INTEGER NOT NULL DEFAULT 200;
ALTER TABLE "auth_token"."application_settings" ADD COLUMN "container_registry_token_expire_delay" INTEGER;
ALTER TABLE "auth_token"."application_settings" ADD CONSTRAINT "application_settings_container_registry_limits_check"
    CHECK ("container_registry_expiration_policies_worker_capacity" >= 0
       AND "container_registry_delete_tags_service_timeout" >= 0
       AND "container_registry_cleanup_tags_service_max_list_size" >= 1
       AND ("container_registry_token_expire_delay" IS NULL OR "container_registry_token_expire_delay" BETWEEN 1 AND 60));
