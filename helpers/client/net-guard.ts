/**
 * No traffic off the machine in mock mode: every outbound connection a worker makes is checked
 * where all of them pass, `net.Socket#connect`, before any name is looked up or packet sent,
 * whatever made it: Playwright's request context, node:https, fetch, a raw `tls.connect`.
 *
 * This replaces nock's `disableNetConnect`. nock intercepts at the HTTP layer and replays every
 * request it lets through on a socket of its own, so keep-alive was lost: each request paid a new
 * TLS handshake (and the mock another), and raw `tls.connect` probes were not guarded at all.
 */
import net from 'node:net';

/** Loopback names and addresses; anything else (a name that would need DNS included) is refused. */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(?:\.\d{1,3}){3})$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Where a `connect` call would go, from any of its signatures; undefined for a local (IPC) path. */
function destination(args: unknown[]): { host: string; port: string } | undefined {
  // Node's own callers (net.connect, tls.connect) pass one pre-normalised [options, callback] array.
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (first !== null && typeof first === 'object') {
    const options = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof options.path === 'string' && options.path) return undefined;
    return { host: typeof options.host === 'string' && options.host ? options.host : 'localhost', port: String(options.port) };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' && args[1] ? args[1] : 'localhost', port: String(first) };
  }
  return undefined;
}

let uninstall: (() => void) | undefined;

/**
 * From now on, a connection to anything but loopback fails at once with an error naming the host
 * (never a key). Returns the function that lifts the guard. Installing twice is a no-op.
 */
export function refuseNonLoopback(): () => void {
  if (uninstall) return uninstall;
  // Kept to restore it unchanged; it is always called with its socket as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = net.Socket.prototype.connect;
  function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const to = destination(args);
    if (to && !isLoopback(to.host)) {
      const error = Object.assign(
        new Error(
          `Refused: a connection to ${to.host}:${to.port} would leave this machine. Against the embedded mock only loopback is allowed; set CARDPLUSPAY_BASE_URL to check a real target.`,
        ),
        { code: 'ERR_OFF_MACHINE_REFUSED' },
      );
      // Asynchronously, as a failed connect reports: callers listen for 'error' after connect() returns.
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  }
  net.Socket.prototype.connect = guardedConnect;
  uninstall = () => {
    net.Socket.prototype.connect = original;
    uninstall = undefined;
  };
  return uninstall;
}
