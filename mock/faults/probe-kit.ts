/**
 * What a fault's probe is written with: a kit that talks to one started mock (through the bare
 * client, ../probe-client.ts, and raw node:https/tls where a client would hide the misbehaviour),
 * and small readers of its answers. tests/unit/mock-faults.spec.ts runs every probe against its
 * fault's mock and against the conformant one.
 */
import https from 'node:https';
import tls from 'node:tls';
import zlib from 'node:zlib';
import type { MockMaterial } from '../accounts';
import { probe, signChallenge, type ProbeCall, type ProbeReply } from '../probe-client';

type SigningAccount = 'signing' | 'signing2';

/**
 * What a probe knows of the mock it probes: where it listens and the lifetime it gives challenges.
 * A MockHandle is one; naming only these keeps the catalogue from importing the server that
 * imports the catalogue.
 */
interface ProbedMock {
  baseUrl: string;
  httpUrl: string;
  challengeTtlSeconds: number;
}

export interface Kit {
  mock: ProbedMock;
  /** The keys and certificate the mock was started with. */
  material: MockMaterial;
  call: (c: ProbeCall) => Promise<ProbeReply>;
  /** A call to the mock's plain-HTTP origin. */
  http: (c: ProbeCall) => Promise<ProbeReply>;
  /** GET balance with X-API-Key set to `key` (no header when undefined). */
  balance: (key: string | undefined) => Promise<ProbeReply>;
  active: string;
  inactive: string;
  /** The challenge endpoint's whole answer to `account`'s request (with `key` as its X-API-Key). */
  ask: (account?: SigningAccount, key?: string) => Promise<ProbeReply>;
  /** A challenge issued to `account` (with `key` as its X-API-Key); '' when none was issued. */
  issue: (account?: SigningAccount, key?: string) => Promise<string>;
  signed: (challenge: string, signature: string | undefined, opts?: { account?: SigningAccount; path?: string }) => Promise<ProbeReply>;
  sign: (text: string, account?: SigningAccount) => string;
}

/** True when the probe sees its fault's misbehaviour; the conformant mock must give false. */
export type Probe = (k: Kit) => Promise<boolean>;

export function kitFor(mock: ProbedMock, material: MockMaterial): Kit {
  const call = probe(material, mock.baseUrl);
  const { accounts } = material;
  const ask = (account: SigningAccount = 'signing', key = accounts[account].key): Promise<ProbeReply> =>
    call({ method: 'POST', path: 'auth/challenge', headers: { 'X-API-Key': key } });
  return {
    mock,
    material,
    call,
    http: probe(material, mock.httpUrl),
    balance: (key) => call({ path: 'balance', headers: key === undefined ? {} : { 'X-API-Key': key } }),
    active: accounts.active.key,
    inactive: accounts.inactive.key,
    ask,
    issue: async (account, key) => {
      const reply = await ask(account, key);
      return (reply.json as { data?: { challenge?: string } } | undefined)?.data?.challenge ?? '';
    },
    signed: (challenge, signature, opts = {}) => {
      const headers: Record<string, string> = { 'X-API-Key': accounts[opts.account ?? 'signing'].key, 'X-API-Challenge': challenge };
      if (signature !== undefined) headers['X-API-Signature'] = signature;
      return call({ path: opts.path ?? 'balance', headers });
    },
    sign: (text, account = 'signing') => signChallenge(text, accounts[account].signing!.privateKeyPem),
  };
}

/** Is the `sent` one of two challenges, asked in turn, served with a signature over the other? */
export async function servedSignedOverTheOther(k: Kit, sent: 'older' | 'newer'): Promise<boolean> {
  const older = await k.issue();
  const newer = await k.issue();
  return (await (sent === 'older' ? k.signed(older, k.sign(newer)) : k.signed(newer, k.sign(older)))).status === 200;
}

/** `s` as its UTF-8 bytes read as Latin-1: how a header value sent as UTF-8 arrives. */
export const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
export const bodyOf = (r: ProbeReply): Record<string, unknown> => (r.json ?? {}) as Record<string, unknown>;
export const dataOf = (r: ProbeReply): Record<string, unknown> => (bodyOf(r).data ?? {}) as Record<string, unknown>;
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const MIB = 1024 * 1024;

/** `n` GET balance requests with the active key at once: past a rate limit, some get 429. */
export function burst(k: Kit, n: number): Promise<ProbeReply[]> {
  return Promise.all(Array.from({ length: n }, () => k.balance(k.active)));
}

/** A TLS connection to the mock's HTTPS port, its certificate trusted (certificate and host-name checks on unless `options` say otherwise). */
export function connectTls(k: Pick<Kit, 'mock' | 'material'>, options: tls.ConnectionOptions = {}): tls.TLSSocket {
  const { hostname, port } = new URL(k.mock.baseUrl);
  return tls.connect({ host: hostname, port: Number(port), ca: k.material.tls.certPem, ...options });
}

/**
 * GET balance with the active key on a raw TLS socket, and what arrives in the next `ms`, or until
 * a whole head has come: the text, and whether the connection is still open at the end (it is
 * closed then).
 */
export function firstBytes(k: Kit, ms: number): Promise<{ text: string; open: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connectTls(k);
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      resolve({ text, open: !socket.destroyed && socket.readable });
      socket.destroy();
    };
    socket.once('secureConnect', () => {
      socket.write(`GET /v1/balance HTTP/1.1\r\nHost: ${new URL(k.mock.baseUrl).host}\r\nX-API-Key: ${k.active}\r\n\r\n`);
      timer = setTimeout(done, ms);
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      // A whole head is as much as waiting could show: a server that sends it at once is no trickle.
      if (text.includes('\r\n\r\n')) done();
    });
    socket.on('error', reject);
  });
}

/**
 * One request written on a raw TLS socket as given, for request lines Node's client does not write
 * (HTTP/1.0, the absolute form): `requestLine`, then Host, `headerLines` and `Connection: close`.
 * Resolves with the answer's status, 0 when none came before the connection closed.
 */
export function rawStatus(k: Pick<Kit, 'mock' | 'material'>, requestLine: string, headerLines: readonly string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connectTls(k);
    let text = '';
    socket.once('secureConnect', () => {
      socket.write([requestLine, `Host: ${new URL(k.mock.baseUrl).host}`, ...headerLines, 'Connection: close', '', ''].join('\r\n'));
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.once('close', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

/**
 * GET balance with the active key, asking for no content coding: true when the answer says
 * `coding`, is small on the wire (at most 2 MiB), and decodes past `limitMiB`. Decoding stops
 * there: the decoder and the connection are destroyed, nothing decoded is kept.
 */
export function decodesPast(k: Kit, coding: 'gzip' | 'br', limitMiB: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      new URL('balance', k.mock.baseUrl),
      { ca: k.material.tls.certPem, agent: false, headers: { 'X-API-Key': k.active, 'Accept-Encoding': 'identity' } },
      (res) => {
        const wireBytes = Number(res.headers['content-length']);
        if (res.statusCode !== 200 || res.headers['content-encoding'] !== coding || !(wireBytes <= 2 * MIB)) {
          res.resume();
          resolve(false);
          return;
        }
        const decoder = coding === 'gzip' ? zlib.createGunzip() : zlib.createBrotliDecompress();
        let decoded = 0;
        const done = (seen: boolean): void => {
          resolve(seen);
          decoder.destroy();
          req.destroy();
        };
        decoder.on('data', (chunk: Buffer) => {
          decoded += chunk.length;
          if (decoded > limitMiB * MIB) done(true);
        });
        decoder.once('end', () => done(false));
        decoder.on('error', reject);
        res.pipe(decoder);
      },
    );
    // Destroying the request after the verdict may still raise an error here; the promise has settled by then.
    req.on('error', reject);
  });
}

/** A handshake with the mock's CA trusted: Node's error, if any, and the certificate's subject CN when the chain verified. */
export function handshakeOutcome(k: Kit, options: tls.ConnectionOptions): Promise<{ error?: NodeJS.ErrnoException; subject?: string }> {
  return new Promise((resolve) => {
    const socket = connectTls(k, options);
    socket.once('secureConnect', () => {
      const subject = socket.authorized ? String(socket.getPeerCertificate().subject.CN) : undefined;
      socket.destroy();
      resolve({ subject });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ error }));
  });
}
