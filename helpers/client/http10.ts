/**
 * HTTP/1.0 on the wire (AUTH-14): Node's client speaks only HTTP/1.1, so wire.ts sends an HTTP/1.0
 * request over a connection of its own whose request line is rewritten as it leaves. Only wire.ts
 * uses it: the egress's guards, deadline and size limits apply as to every exchange.
 */
import net from 'node:net';
import tls from 'node:tls';

/**
 * A connection whose first write, the request head Node serialised, goes out with `HTTP/1.0` as the
 * request line's version: Node's client has no option for it, and a second client would bypass the
 * egress. TLS is verified against the same CAs as every exchange; the caller's deadline destroys it.
 */
export function http10Connection(url: URL, trust: { ca?: string[] } | { secureContext: tls.SecureContext }): net.Socket {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const socket =
    url.protocol === 'https:'
      ? tls.connect({ host, port, ...trust, rejectUnauthorized: true, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port });
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back unchanged, always called with the socket as `this`
  const write = socket.write;
  socket.write = (chunk: unknown, ...rest: unknown[]): boolean => {
    socket.write = write;
    const head = asHttp10(chunk);
    if (head === undefined) {
      // Never send a request that claims one version in our transcript and another on the wire.
      socket.destroy(new Error('HTTP/1.0: the first bytes written were not a request line'));
      return false;
    }
    return (write as (...a: unknown[]) => boolean).call(socket, head, ...rest);
  };
  return socket;
}

/** The request head with its request line's version rewritten to 1.0, or undefined when `chunk` does not start with a request line. */
function asHttp10(chunk: unknown): string | Buffer | undefined {
  const line = /^([^\r\n]* )HTTP\/1\.1\r\n/;
  if (typeof chunk === 'string') return line.test(chunk) ? chunk.replace(line, '$1HTTP/1.0\r\n') : undefined;
  if (Buffer.isBuffer(chunk)) {
    const text = chunk.toString('latin1');
    return line.test(text) ? Buffer.from(text.replace(line, '$1HTTP/1.0\r\n'), 'latin1') : undefined;
  }
  return undefined;
}
