import type { IncomingMessage } from 'node:http';

/** Headers through which a proxy tells what the client sent; only the gateway may set them. */
export const FORWARDED_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
];

export interface ForwardedValues {
  for: string;
  host: string;
  proto: string;
  port: string;
}

/**
 * What the services should believe about the client. When nothing trusted sits in front of the
 * gateway, client-sent X-Forwarded-* are lies waiting to happen (spoofed hosts in Location
 * headers, spoofed IPs in audit logs), so they are replaced by what the socket says.
 */
export function forwardedValues(req: IncomingMessage, trustIncoming: boolean): ForwardedValues {
  const socketAddress = req.socket.remoteAddress ?? '';
  const host = req.headers.host ?? '';
  const ownProto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const ownPort = host.match(/:(\d+)$/)?.[1] ?? (ownProto === 'https' ? '443' : '80');
  if (!trustIncoming) return { for: socketAddress, host, proto: ownProto, port: ownPort };
  const incomingFor = headerValue(req, 'x-forwarded-for');
  return {
    for: incomingFor ? `${incomingFor}, ${socketAddress}` : socketAddress,
    host: headerValue(req, 'x-forwarded-host') ?? host,
    proto: headerValue(req, 'x-forwarded-proto') ?? ownProto,
    port: headerValue(req, 'x-forwarded-port') ?? ownPort,
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The origin the client used, e.g. `https://registry.example.com`, derived from trusted values. */
export function clientOrigin(values: ForwardedValues): string {
  const host = values.host.split(',')[0]!.trim();
  const proto = values.proto.split(',')[0]!.trim();
  return `${proto}://${host}`;
}
