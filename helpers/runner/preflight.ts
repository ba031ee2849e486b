/**
 * Before any worker starts: can the target be reached at all? One TLS handshake and one keyless
 * GET of the base URL, each with a short timeout. Against a target that is down, every test would
 * otherwise fail after its own connection attempt plus a worker restart (minutes, and a wrong
 * "does not conform"); this answers "could not judge" in seconds instead (SAFE-07).
 * A certificate that does not verify is different: the target was reached, and that is TLS-01
 * failing. No key is sent by either probe.
 */
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { CERTIFICATE, errorCode, unreachableReason } from '../client/not-judged';

export type PreflightResult =
  | { outcome: 'reachable'; ms: number }
  | { outcome: 'unreachable'; reason: string }
  | { outcome: 'certificate'; reason: string };

export interface PreflightOptions {
  /** PEM of extra CAs to trust besides the system store (CARDPLUSPAY_CA_FILE, the mock's CA). */
  ca?: string;
  timeoutMs?: number;
}

export async function preflight(baseUrl: string, options: PreflightOptions = {}): Promise<PreflightResult> {
  const started = Date.now();
  const url = new URL(baseUrl);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const ca = options.ca ? [...tls.rootCertificates, options.ca] : undefined;
  try {
    await handshake(url, ca, timeoutMs);
    await keylessGet(url, ca, timeoutMs);
  } catch (error) {
    return judge(error, timeoutMs);
  }
  return { outcome: 'reachable', ms: Date.now() - started };
}

function judge(error: unknown, timeoutMs: number): PreflightResult {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const described = `${message}${code ? ` (${code})` : ''}`;
  if (CERTIFICATE.test(`${code} ${message}`)) return { outcome: 'certificate', reason: described };
  if (code === 'PREFLIGHT_TIMEOUT') return { outcome: 'unreachable', reason: `no answer within ${timeoutMs / 1000} s` };
  return { outcome: 'unreachable', reason: unreachableReason(error) ?? described };
}

function timeoutError(what: string, ms: number): Error {
  return Object.assign(new Error(`${what} gave no answer within ${ms} ms`), { code: 'PREFLIGHT_TIMEOUT' });
}

function handshake(url: URL, ca: string[] | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = tls.connect({ host, port: Number(url.port || 443), servername: net.isIP(host) ? undefined : host, ca, rejectUnauthorized: true });
    socket.setTimeout(timeoutMs, () => socket.destroy(timeoutError('the TLS handshake', timeoutMs)));
    socket.once('secureConnect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Any HTTP answer at all, whatever its status, proves the target is there. */
function keylessGet(url: URL, ca: string[] | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'GET', headers: { Accept: 'application/json' }, ca, agent: false, timeout: timeoutMs });
    req.on('timeout', () => req.destroy(timeoutError('GET of the base URL', timeoutMs)));
    req.on('error', reject);
    req.on('response', (res) => {
      res.destroy();
      resolve();
    });
    req.end();
  });
}

/** The one line a user reads when the target cannot be reached. */
export function cannotReachLine(baseUrl: string, reason: string): string {
  return `Cannot reach ${baseUrl.replace(/\/$/, '')}: ${reason}`;
}
