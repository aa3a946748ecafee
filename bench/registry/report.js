'use strict';
// The results tables, as Markdown so they can go into bench/README.md unchanged.
const { median } = require('./docker-pull');
const { sizeLabel } = require('./settings');

/** ours / reference, turned so that >= 1.0 always means Stowage is at least as good. */
const oriented = (figure, ours, reference) =>
  figure.better === 'higher' ? ours / reference : reference / ours;

/**
 * Stowage against Distribution on one figure. With rounds, the median of each round's own ratio:
 * a round measures the targets back to back, so what the machine does for a minute (a pull here
 * wandered by ±15% from one round to the next) weighs on both sides of each ratio, where a ratio
 * of the two medians could pair a fast round of one with a slow round of the other.
 */
function ratioOf(figure, stowage, distribution) {
  if (!(stowage?.value > 0) || !(distribution?.value > 0)) return undefined;
  const ours = stowage.rounds ?? [];
  const reference = distribution.rounds ?? [];
  if (ours.length < 2 || ours.length !== reference.length) {
    return oriented(figure, stowage.value, distribution.value);
  }
  return median(ours.map((value, round) => oriented(figure, value, reference[round])));
}

const format = (value, digits) => (value === undefined ? 'n/a' : value.toFixed(digits));
const cell = (result, digits) => (result?.error ? 'failed' : format(result?.value, digits));

const TITLES = {
  stowage: 'Stowage standalone',
  'stowage-distributed': 'Stowage distributed',
  distribution: 'Distribution 2.8',
};
const RATIO_TITLE = 'ratio (>= 1: as good)';

/** The targets the run was asked for, Stowage's first; the reference last. */
function labelsOf(results) {
  return Object.keys(TITLES).filter((label) => results.settings.targets.includes(label));
}
const stowageLabels = (results) => labelsOf(results).filter((label) => label !== 'distribution');
const processCount = (memory) => Object.keys(memory?.processes ?? {}).length;

function markdownTable(header, rows) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells) => `| ${cells.map((text, column) => text.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** A target's memory in MB; for several processes their sum, saying so. */
function memoryCell(memory, value) {
  const count = processCount(memory);
  return count > 1 && value !== undefined ? `${format(value, 0)} (sum of ${count})` : format(value, 0);
}

/**
 * One row per figure: each Stowage target with its ratio against Distribution, then Distribution;
 * then one row for each target's peak RSS over the whole run.
 */
function resultsTable(results) {
  const stowage = stowageLabels(results);
  const withReference = labelsOf(results).includes('distribution');
  const rows = results.figures.map((figure) => [
    `${figure.title} (${figure.unit})`,
    ...stowage.flatMap((label) => [cell(figure[label], figure.digits), format(figure.ratios?.[label], 2)]),
    ...(withReference ? [cell(figure.distribution, figure.digits)] : []),
  ]);
  const memory = results.memory;
  rows.push([
    'peak RSS over the run (MB)',
    ...stowage.flatMap((label) => [memoryCell(memory[label], memory[label]?.peakMb), '']),
    ...(withReference ? [format(memory.distribution?.peakMb, 0)] : []),
  ]);
  const header = [
    'figure',
    ...stowage.flatMap((label) => [TITLES[label], RATIO_TITLE]),
    ...(withReference ? [TITLES.distribution] : []),
  ];
  return markdownTable(header, rows);
}

/**
 * RSS of each target idle after its first start and after a restart on the same data, and its peak
 * while a blob of the run's size was pushed then pulled; then its peak during each figure (VmHWM
 * reset before every figure and before the restart's push).
 */
function memoryTable(results) {
  const labels = labelsOf(results);
  const memory = results.memory;
  const blob = sizeLabel(results.settings.blobBytes);
  const row = (title, read) => [
    title,
    ...labels.map((label) => memoryCell(memory[label], read(memory[label]))),
  ];
  const rows = [
    row('first start: idle', (one) => one?.idleMb),
    row(`first start: ${blob} push + pull`, (one) => one?.pushPullPeakMb),
    row('restart: idle', (one) => one?.restart?.idleMb),
    row(`restart: ${blob} push + pull`, (one) => one?.restart?.pushPullPeakMb),
    ...results.figures.map((figure) => [
      `first start: ${figure.title}`,
      ...labels.map((label) => memoryCell(memory[label], figure[label]?.peakRssMb)),
    ]),
  ];
  return markdownTable(['RSS (MB): idle, then peak during', ...labels.map((label) => TITLES[label])], rows);
}

/**
 * One row per process of a multi-process target: RSS idle after start, its peak during each
 * figure and over the run, and whether that peak stays within the per-process bound.
 */
function processMemoryTable(results, label) {
  const memory = results.memory[label];
  const limit = results.settings.distributedProcessLimitMb;
  const rows = Object.entries(memory.processes).map(([name, process]) => [
    name,
    format(process.idleMb, 0),
    ...results.figures.map((figure) => format(figure[label]?.peakRssMbByProcess?.[name], 0)),
    format(process.peakMb, 0),
    process.peakMb <= limit ? 'yes' : 'NO',
  ]);
  const header = [
    `${TITLES[label]}: RSS (MB)`,
    'idle',
    ...results.figures.map((figure) => `peak, ${figure.title}`),
    'peak over run',
    `<= ${limit} MB`,
  ];
  return markdownTable(header, rows);
}

function failures(results) {
  const lines = [];
  for (const [label, memory] of Object.entries(results.memory)) {
    if (memory?.error) lines.push(`${label} did not start: ${memory.error}`);
    if (memory?.restart?.error) lines.push(`${label} after a restart: ${memory.restart.error}`);
  }
  for (const figure of results.figures) {
    for (const label of labelsOf(results)) {
      if (figure[label]?.error) lines.push(`${figure.title}, ${label}: ${figure[label].error}`);
    }
  }
  return lines;
}

/**
 * The blob pull's second GET, hashed by the Node client as it streams (figures.js blobPull): what
 * a client that verifies the digest as it reads gets here. Not the figure, which that client caps.
 */
function hashingPullLine(results) {
  const row = results.figures.find((figure) => figure.key === 'blobPull');
  if (!row) return undefined;
  const rates = labelsOf(results).map(
    (label) => `${TITLES[label]} ${format(row[label]?.hashingClientMbPerSecond, 0)}`,
  );
  return `blob pull hashed as it streams by the Node client (not the figure), MB/s: ${rates.join(', ')}`;
}

module.exports = {
  ratioOf,
  resultsTable,
  memoryTable,
  processMemoryTable,
  failures,
  markdownTable,
  hashingPullLine,
};
