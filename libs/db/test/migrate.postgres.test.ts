import { describeWithComponents, POSTGRES_URL } from '@stowage/testing';
import { openDatabase, type Database } from '@stowage/db';
import { describeMigrateContract } from './support/migrate-contract';

describeWithComponents(['postgres'], 'migrate on PostgreSQL', () => {
  let db: Database;

  beforeAll(async () => {
    db = await openDatabase({ url: POSTGRES_URL });
  });

  afterAll(async () => {
    await db?.close();
  });

  // A separate pool stands in for a second process starting at the same moment.
  describeMigrateContract({
    db: () => db,
    openPeer: () => openDatabase({ url: POSTGRES_URL }),
    closePeer: (peer) => peer.close(),
  });
});
