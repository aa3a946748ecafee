// Probes the real servers integration tests need once per run (see libs/testing).
const net = require('node:net');

function isPortOpen(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

module.exports = async () => {
  const components = {
    postgres: () => isPortOpen(process.env.TEST_DATABASE_URL ?? 'postgresql://127.0.0.1:5432', 5432),
    rabbitmq: () => isPortOpen(process.env.TEST_AMQP_URL ?? 'amqp://127.0.0.1:5672', 5672),
  };
  const available = [];
  for (const [name, probe] of Object.entries(components)) {
    if (await probe()) available.push(name);
  }
  process.env.STOWAGE_TEST_AVAILABLE_COMPONENTS = available.join(',');
  const missing = Object.keys(components).filter((name) => !available.includes(name));
  const required = ['1', 'true'].includes(process.env.REQUIRE_REAL_COMPONENTS ?? '');
  if (missing.length > 0 && required) {
    throw new Error(`REQUIRE_REAL_COMPONENTS=1 but these are not reachable: ${missing.join(', ')}`);
  }
};
