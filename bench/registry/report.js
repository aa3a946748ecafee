'use strict';
// The results table, as Markdown so it can go into bench/README.md unchanged.

/** ours / reference, turned so that >= 1.0 always means Stowage is at least as good. */
function ratioOf(figure, stowage, distribution) {
  if (!(stowage?.value > 0) || !(distribution?.value > 0)) return undefined;
  return figure.better === 'higher' ? stowage.value / distribution.value : distribution.value / stowage.value;
}

const format = (value, digits) => (value === undefined ? 'n/a' : value.toFixed(digits));
const cell = (result, digits) => (result?.error ? 'failed' : format(result?.value, digits));

function markdownTable(header, rows) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells) => `| ${cells.map((text, column) => text.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** One row per figure, then one for each process's peak RSS over the whole run. */
function resultsTable(results) {
  const rows = results.figures.map((figure) => [
    `${figure.title} (${figure.unit})`,
    cell(figure.stowage, figure.digits),
    cell(figure.distribution, figure.digits),
    format(figure.ratio, 2),
  ]);
  const memory = results.memory;
  rows.push([
    'peak RSS over the run (MB)',
    format(memory.stowage?.peakMb, 0),
    format(memory.distribution?.peakMb, 0),
    '',
  ]);
  return markdownTable(['figure', 'Stowage', 'Distribution 2.8', 'ratio (>= 1: as good)'], rows);
}

/** Peak RSS of each process during each figure (VmHWM reset before every figure). */
function memoryTable(results) {
  const rows = results.figures.map((figure) => [
    figure.title,
    format(figure.stowage?.peakRssMb, 0),
    format(figure.distribution?.peakRssMb, 0),
  ]);
  rows.unshift([
    'idle after start',
    format(results.memory.stowage?.idleMb, 0),
    format(results.memory.distribution?.idleMb, 0),
  ]);
  return markdownTable(['peak RSS (MB) during', 'Stowage', 'Distribution 2.8'], rows);
}

function failures(results) {
  const lines = [];
  for (const [label, memory] of Object.entries(results.memory)) {
    if (memory?.error) lines.push(`${label} did not start: ${memory.error}`);
  }
  for (const figure of results.figures) {
    for (const label of ['stowage', 'distribution']) {
      if (figure[label]?.error) lines.push(`${figure.title}, ${label}: ${figure[label].error}`);
    }
  }
  return lines;
}

module.exports = { ratioOf, resultsTable, memoryTable, failures, markdownTable };
