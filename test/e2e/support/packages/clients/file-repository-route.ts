import type { Route } from './recording-server';

/**
 * The simplest repository a Maven or generic client can use: PUT stores the body at its path
 * (201), GET and HEAD answer it (200) or 404. `files` is shared so a test can look at or seed it.
 */
export function fileRepositoryRoute(files: Map<string, Buffer> = new Map()): Route {
  return (request) => {
    const path = request.path.split('?')[0]!;
    if (request.method === 'PUT') {
      files.set(path, request.body);
      return { status: 201 };
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      const body = files.get(path);
      return body === undefined
        ? { status: 404, body: 'not found' }
        : { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body };
    }
    return { status: 405, body: 'method not allowed' };
  };
}
