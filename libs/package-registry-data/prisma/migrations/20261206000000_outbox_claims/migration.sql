-- AlterTable: the relay's claim lease (nullable, no default: a catalogue-only change)
ALTER TABLE "package_registry"."outbox_events" ADD COLUMN "claimed_until" TIMESTAMPTZ(3);
