import { createBus, InProcessEventBus, InProcessJobQueue } from '@stowage/bus';
import { runBusContract } from './bus-contract';

describe('in-process bus', () => {
  runBusContract(
    async () => {
      const events = new InProcessEventBus();
      const jobs = new InProcessJobQueue();
      return { events, jobs, close: async () => void (await Promise.all([events.close(), jobs.close()])) };
      // Standalone mode runs every replica in one process, on one bus.
    },
    { replicaOf: async (bus) => ({ ...bus, close: async () => undefined }) },
  );

  it('when createBus gets no amqpUrl, then it returns the in-process adapters', async () => {
    const bus = createBus();
    expect(bus.events).toBeInstanceOf(InProcessEventBus);
    expect(bus.jobs).toBeInstanceOf(InProcessJobQueue);
    await bus.close();
  });
});
