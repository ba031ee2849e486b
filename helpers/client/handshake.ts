/**
 * One TLS handshake with a target, for the checks of its TLS itself (TLS-01, TLS-04): certificate
 * and host name always verified (rejectUnauthorized is fixed to true), SNI sent when the host is a
 * name, within a wall-clock deadline. The egress (egress.ts) gives it the trust store and the
 * deadline, so the handshakes keep the guarantees of every other exchange.
 */
import net from 'node:net';
import tls from 'node:tls';
import { trustContext } from './trust';

export interface HandshakeOptions {
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  timeoutMs?: number;
}

export interface PeerCertificate {
  subject: string;
  issuer: string;
  validTo: string;
  altNames: string;
  fingerprint256: string;
}

export type HandshakeResult =
  | { ok: true; protocol: string; cipher: string; peer: PeerCertificate }
  | {
      ok: false;
      /** Node's code: ERR_SSL_…, a certificate error such as DEPTH_ZERO_SELF_SIGNED_CERT, ECONNRESET, or TIMEOUT. */
      code: string;
      message: string;
      /** The protocol the handshake had settled on when it failed, if it got that far. */
      protocol?: string;
      /** The certificate that failed verification, when Node names it (a host name it does not hold). */
      peer?: PeerCertificate;
    };

/** Resolves with what happened; never throws for a network outcome. */
export function handshake(url: URL, caPem: string | undefined, options: HandshakeOptions): Promise<HandshakeResult> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    let settled = false;
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      // RFC 6066 forbids an IP address as server name; Node then checks the IP against the certificate.
      ...(net.isIP(host) === 0 ? { servername: host } : {}),
      secureContext: trustContext(caPem, options),
      rejectUnauthorized: true,
    });
    const done = (r: HandshakeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, code: 'TIMEOUT', message: `no handshake within ${timeoutMs} ms` }), timeoutMs);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      done({
        ok: true,
        protocol: socket.getProtocol() ?? 'unknown',
        cipher: socket.getCipher().name,
        peer: peerOf(cert),
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException & { cert?: tls.PeerCertificate }) =>
      done({
        ok: false,
        code: err.code ?? 'UNKNOWN',
        message: err.message.split('\n')[0]!,
        protocol: socket.getProtocol() ?? undefined,
        ...(err.cert?.subject ? { peer: peerOf(err.cert) } : {}),
      }),
    );
    socket.once('close', () => done({ ok: false, code: 'ECONNRESET', message: 'the connection closed before the handshake finished' }));
  });
}

function peerOf(cert: tls.PeerCertificate): PeerCertificate {
  return {
    subject: nameOf(cert.subject),
    issuer: nameOf(cert.issuer),
    validTo: cert.valid_to,
    altNames: cert.subjectaltname ?? '',
    fingerprint256: cert.fingerprint256,
  };
}

function nameOf(n: tls.Certificate | undefined): string {
  if (!n) return '';
  return Object.entries(n)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}
