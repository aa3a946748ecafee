/**
 * V8 flags of each service's process, wherever it runs: this launcher, docker-compose.yml and
 * k8s/ start the services with them (test/deploy checks the files against this table).
 *
 * The registry caps each young-generation semi-space at 1 MB (V8 grows it to 16 by default). A
 * blob upload arrives in 64 KiB socket chunks that are garbage the moment they are copied into a
 * part, but their memory returns only at the next scavenge: with the default, 40-odd MB of them
 * piled up during a 1 GiB push, and the process peaked at 160-167 MB against issue 12's 150 per
 * process; with 1 MB it peaks at about 135, and manifest GETs under load were as fast.
 */
export const NODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  registry: ['--max-semi-space-size=1'],
};
