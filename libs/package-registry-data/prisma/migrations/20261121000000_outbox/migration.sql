-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "package_registry";

-- CreateTable
CREATE TABLE "package_registry"."outbox_events" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "seq" BIGSERIAL NOT NULL,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outbox_events_unpublished_idx" ON "package_registry"."outbox_events"("occurred_at", "seq") WHERE "published_at" IS NULL;
