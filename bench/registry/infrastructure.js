'use strict';
// The shared PostgreSQL and RabbitMQ of the machine, as distributed mode uses them: a fresh
// database per run, dropped at the end, and exchange/queue names under a prefix of the run's own,
// deleted at the end (the broker is shared with other runs, so nothing else is touched).
const { openDatabase } = require('../../libs/db/dist');
const { deleteEverythingWithPrefix, uniqueName } = require('../../libs/testing/dist');

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function onServer(sql) {
  const admin = await openDatabase({ url: POSTGRES_URL, maxConnections: 1 });
  try {
    await admin.exec(sql);
  } finally {
    await admin.close();
  }
}

/** Creates a database next to POSTGRES_URL's; `drop()` removes it even with clients connected. */
async function createDatabase(prefix) {
  const name = uniqueName(prefix);
  await onServer(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** A prefix no other run uses; `remove()` deletes every exchange and queue created under it. */
function brokerNamespace(prefix) {
  const name = uniqueName(prefix);
  return { url: AMQP_URL, prefix: name, remove: () => deleteEverythingWithPrefix(AMQP_URL, name) };
}

module.exports = { createDatabase, brokerNamespace };
