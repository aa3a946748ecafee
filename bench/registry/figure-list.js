'use strict';
// The four figures as the table shows them: title, unit, which direction is better, how many
// rounds, and how to measure one target. run.js measures each against Distribution and Stowage
// (a round of each target, `rounds` times, the order turning each round, keeping the median)
// before the next figure starts, so load that comes and goes on the shared machine hits all.
const fs = require('node:fs');
const path = require('node:path');
const { blobPull, blobPush, dockerPull, manifestGets } = require('./figures');
const { SETTINGS, sizeLabel } = require('./settings');

/** `images`: the small image for wrk and the 5-layer one for docker pull (image.js buildImage). */
function figureList(images, workRoot) {
  return [
    {
      key: 'blobPush',
      title: `${sizeLabel(SETTINGS.blobBytes)} blob push`,
      unit: 'MB/s',
      better: 'higher',
      digits: 0,
      rounds: SETTINGS.transferRounds,
      run: (target) => blobPush(target, { bytes: SETTINGS.blobBytes }),
    },
    {
      key: 'blobPull',
      title: `${sizeLabel(SETTINGS.blobBytes)} blob pull`,
      unit: 'MB/s',
      better: 'higher',
      digits: 0,
      rounds: SETTINGS.transferRounds,
      // `earlier` holds this target's results of the figures before, here the pushed digest.
      run: (target, earlier) => {
        if (!earlier.blobPush?.digest) throw new Error('the push failed, nothing to pull');
        return blobPull(target, { bytes: SETTINGS.blobBytes, digest: earlier.blobPush.digest });
      },
    },
    {
      key: 'manifestGets',
      title: 'manifest GET by tag',
      unit: 'requests/s',
      better: 'higher',
      digits: 0,
      run: (target) => manifestGets(target, { image: images.small, tag: 'small', wrk: SETTINGS.wrk }),
    },
    {
      key: 'dockerPull',
      title: `docker pull, ${SETTINGS.pullLayers} x ${sizeLabel(SETTINGS.pullLayerBytes)} layers`,
      unit: 's, median',
      better: 'lower',
      digits: 2,
      // One pull per round, the targets in turn: a pull's time drifts with the machine's state by
      // more than the registries differ, and back-to-back pulls of one target all took the same drift.
      rounds: SETTINGS.pullRepetitions,
      run: (target) =>
        dockerPull(target, {
          image: images.pull,
          tag: 'pull',
          dockerConfigDir: fs.mkdtempSync(path.join(workRoot, 'docker-config-')),
          repetitions: 1,
        }),
    },
  ];
}

module.exports = { figureList };
