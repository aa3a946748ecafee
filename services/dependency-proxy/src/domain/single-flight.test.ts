import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('when two callers ask for one key at once, then the work runs once and both get its result', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    let release!: (value: number) => void;
    const work = () => {
      runs += 1;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const first = flights.run('k', work);
    const second = flights.run('k', work);
    release(7);
    expect(await Promise.all([first.result, second.result])).toEqual([7, 7]);
    expect([runs, first.leader, second.leader]).toEqual([1, true, false]);
  });

  it('when a run has settled, then the next call for the key runs the work again', async () => {
    const flights = new SingleFlight<number>();
    await flights.run('k', async () => 1).result;
    expect(await flights.run('k', async () => 2).result).toBe(2);
    expect(flights.size).toBe(0);
  });
});
