/**
 * The runner's side of the run's flow control: one Pacer (pacer.ts) served over a local socket
 * to every worker (flow.ts). The socket lives in the run's private directory (mode 0700). A worker
 * that goes away hands back its slots, so a crashed worker cannot starve the rest.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setRunnerHub, type PacerHub } from './flow';
import type { AcquireOptions, Burst, Grant, Outcome, Pacer } from './pacer';
import type { LiveChallenges, Turn, TurnQueue } from './turns';

/** Unix socket paths are limited to about 100 bytes; a longer one would fail to listen. */
const MAX_SOCKET_PATH = 100;
/** A message is a few dozen bytes: more without a newline is not one of ours. */
const MAX_LINE = 65_536;
/** More copies than any check sends at once: a size past it is not one of ours. */
const MAX_BURST = 1_000;

type Message =
  | { op: 'acquire'; id: number; origin: string; options?: AcquireOptions }
  | { op: 'release'; grant: Grant; outcome?: Outcome }
  | { op: 'turn'; id: number; origin: string; alone: boolean }
  | { op: 'give'; turnId: number; found?: LiveChallenges };

export interface FlowServer {
  /** What the workers connect to; undefined when no socket could be made (each worker then keeps a share). */
  socketPath?: string;
  close(): Promise<void>;
}

/** Serves `hub` in `dir`, and makes it this process's flow (the preflight's). */
export async function serveFlow(hub: PacerHub, dir: string): Promise<FlowServer> {
  setRunnerHub(hub);
  const socketPath = process.platform === 'win32' ? `\\\\.\\pipe\\cardpluspay-flow-${process.pid}-${Date.now()}` : path.join(dir, 'flow.sock');
  if (socketPath.length > MAX_SOCKET_PATH) return { close: () => Promise.resolve(setRunnerHub(undefined)) };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    serveOne(hub, socket, () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  server.unref();
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        setRunnerHub(undefined);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        if (process.platform !== 'win32') fs.rmSync(socketPath, { force: true });
      }),
  };
}

function serveOne(hub: PacerHub, socket: net.Socket, gone: () => void): void {
  const held = new Map<number, { grant: Grant; pacer: Pacer }>();
  const turns: HeldTurns = new Map();
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while (!socket.destroyed && (newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const message = messageIn(line);
      if (message) handle(message);
      else socket.destroy();
    }
    // Only the line not yet ended is bounded: a worker's many messages may arrive in one chunk when this thread was busy.
    if (buffer.length > MAX_LINE) socket.destroy();
  });
  const handle = (message: Message): void => {
    if (message.op === 'turn' || message.op === 'give') return serveTurn(hub, socket, turns, message);
    if (message.op === 'release') {
      const slot = held.get(message.grant.id);
      held.delete(message.grant.id);
      slot?.pacer.release(slot.grant, message.outcome);
      return;
    }
    const pacer = hub.for(String(message.origin));
    pacer.acquire(message.options).then(
      (grant) => {
        if (socket.destroyed) return pacer.release(grant);
        held.set(grant.id, { grant, pacer });
        socket.write(`${JSON.stringify({ id: message.id, grant })}\n`);
      },
      (error: Error) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify({ id: message.id, refused: error.message })}\n`);
      },
    );
  };
  const close = (): void => {
    for (const { grant, pacer } of held.values()) pacer.release(grant);
    held.clear();
    // A worker gone mid-turn found nothing: the run then assumes one live challenge (turns.ts).
    for (const { turn, queue } of turns.values()) queue.giveTurn(turn);
    turns.clear();
    gone();
  };
  socket.on('close', close);
  socket.on('error', () => socket.destroy());
}

/** The turns a connection holds, by id, with the queue each came from. */
type HeldTurns = Map<number, { turn: Turn; queue: TurnQueue }>;

/** A worker's turn at signing (turns.ts): granted in its queue's order, or given back with what it found. */
function serveTurn(hub: PacerHub, socket: net.Socket, turns: HeldTurns, message: Extract<Message, { op: 'turn' | 'give' }>): void {
  if (message.op === 'give') {
    // Whether the turn was alone is the queue's record, not the worker's word: only its id is read.
    const taken = turns.get(message.turnId);
    turns.delete(message.turnId);
    return taken?.queue.giveTurn(taken.turn, message.found);
  }
  const queue = hub.turnsFor(message.origin);
  void queue.takeTurn({ alone: message.alone }).then((turn) => {
    if (socket.destroyed) return queue.giveTurn(turn);
    turns.set(turn.id, { turn, queue });
    socket.write(`${JSON.stringify({ id: message.id, turn })}\n`);
  });
}

/**
 * One line as one of the workers' messages, or undefined: a line of any other shape closes its
 * connection (handing back its slots) rather than throwing in the runner, where an uncaught error
 * would end the run without its verdict.
 */
function messageIn(line: string): Message | undefined {
  let m: Partial<Record<string, unknown>>;
  try {
    m = record(JSON.parse(line)) ?? {};
  } catch {
    return undefined;
  }
  if (m.op === 'turn') {
    if (typeof m.origin !== 'string' || !Number.isSafeInteger(m.id) || (m.alone !== undefined && typeof m.alone !== 'boolean')) return undefined;
    return { op: 'turn', id: m.id as number, origin: m.origin, alone: m.alone === true };
  }
  if (m.op === 'give') {
    const turn = record(m.turn);
    if (!turn || !Number.isSafeInteger(turn.id) || (m.found !== undefined && m.found !== 'one' && m.found !== 'several')) return undefined;
    return { op: 'give', turnId: turn.id as number, found: m.found };
  }
  if (m.op === 'release') {
    const grant = record(m.grant);
    const outcome = m.outcome === undefined ? {} : record(m.outcome);
    if (!grant || !Number.isSafeInteger(grant.id) || !Number.isSafeInteger(grant.epoch) || !outcome) return undefined;
    const { status, retryAfter } = outcome;
    if ((status !== undefined && !Number.isSafeInteger(status)) || (retryAfter !== undefined && typeof retryAfter !== 'string')) return undefined;
    return { op: 'release', grant: { id: grant.id as number, epoch: grant.epoch as number }, outcome: { status, retryAfter } as Outcome };
  }
  const options = m.options === undefined ? {} : record(m.options);
  if (m.op !== 'acquire' || !Number.isSafeInteger(m.id) || typeof m.origin !== 'string' || !options) return undefined;
  const { notAfter, expires } = options;
  const burst = options.burst === undefined ? undefined : burstIn(options.burst);
  if (options.burst !== undefined && !burst) return undefined;
  if (expires !== undefined && typeof expires !== 'boolean') return undefined;
  if (notAfter !== undefined && !Number.isFinite(notAfter)) return undefined;
  return { op: 'acquire', id: m.id as number, origin: m.origin, options: { burst, expires, notAfter } as AcquireOptions };
}

/** A burst as burstOf() names one: an id of a few visible characters and a size the run could send. */
function burstIn(value: unknown): Burst | undefined {
  const { id, size } = record(value) ?? {};
  if (typeof id !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(id)) return undefined;
  if (!Number.isSafeInteger(size) || (size as number) < 1 || (size as number) > MAX_BURST) return undefined;
  return { id, size: size as number };
}

function record(value: unknown): Partial<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}
