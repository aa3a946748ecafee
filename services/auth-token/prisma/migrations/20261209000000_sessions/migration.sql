-- CreateTable: browser sessions (ADR 0013); the cookie's secret is stored only as its SHA-256
CREATE TABLE "auth_token"."sessions" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "token_digest" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "client_ip" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sessions_token_digest_key" ON "auth_token"."sessions"("token_digest");
CREATE INDEX "sessions_user_id_idx" ON "auth_token"."sessions"("user_id");

-- AddForeignKey
ALTER TABLE "auth_token"."sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth_token"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
