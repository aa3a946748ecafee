// Jest's own order, but with a better guess for files it has no timings for yet (a fresh clone,
// whose cache directory is empty). Jest runs the files it has timings for longest first, so the
// two workers end together; without timings it orders by file size, which puts the end-to-end
// files last: most are a few lines that call shared scenarios (test/e2e/support), yet each starts
// whole stacks and runs real clients for a minute or more. Started last, they would leave one
// worker idle while the other finishes them. Here those files go first, then the other
// integration tests, then the unit tests, by size within each.
const Sequencer = require('@jest/test-sequencer').default;

/** Lower runs earlier among files without timings. */
function costRank(testPath) {
  if (/[\\/]test[\\/]e2e[\\/]/.test(testPath)) return 0;
  if (/[\\/]test[\\/]/.test(testPath)) return 1;
  return 2;
}

class CostFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    // Reorder only each run of neighbours without timings (the default puts them together),
    // keeping the default's size order within a rank: Array.prototype.sort is stable.
    const result = [];
    let untimed = [];
    const flush = () => {
      result.push(...untimed.sort((a, b) => costRank(a.path) - costRank(b.path)));
      untimed = [];
    };
    for (const test of sorted) {
      if (test.duration == null) untimed.push(test);
      else {
        flush();
        result.push(test);
      }
    }
    flush();
    return result;
  }
}

module.exports = CostFirstSequencer;
