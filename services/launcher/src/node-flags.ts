/**
 * V8 flags of each service's process, wherever it runs: this launcher, docker-compose.yml and
 * k8s/ start the services with them (test/deploy checks the files against this table).
 *
 * The registry caps each young-generation semi-space at 1 MB (V8 grows it to 16 by default). A
 * blob upload arrives in 64 KiB socket chunks that are garbage the moment they are copied into a
 * part, but their memory returns only at the next scavenge: with the default, 40-odd MB of them
 * piled up during a 1 GiB push, and the process peaked at 160-167 MB against issue 12's 150 per
 * process; with 1 MB it peaks at 133-138 MB (142-145 after three 1 GiB pushes in a row), and
 * manifest GETs under load were as fast.
 *
 * The gateway collects garbage on its main thread only. Relaying an upload, its 64 KiB socket chunks
 * set off a full collection for about every 32 MB (V8 counts their memory as external), and V8's
 * four helper threads spent 0.6 s of CPU per GiB marking a heap of 15 MB, on the two cores the
 * client, the gateway and the registry share. Single-threaded, the gateway's CPU per GiB fell from
 * 1.5-1.7 s to 0.9-1.3 s and a distributed push went 5% faster; manifest GETs were unchanged.
 * Its semi-spaces are capped at 4 MB: under 32 connections of manifest GETs V8 grew them to 16 MB
 * each and the gateway peaked at 163-175 MB; capped, at 137-156 MB, with the same requests/s.
 */
export const NODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  registry: ['--max-semi-space-size=1'],
  gateway: ['--single-threaded-gc', '--max-semi-space-size=4'],
};
