/**
 * The flow control a process's egress uses (pacer.ts): in a worker, the run's one Pacer in the
 * runner process, reached over a local socket (flow-server.ts), so the concurrency limit and the
 * politeness state hold across all workers; in the runner itself (the preflight), that Pacer
 * directly; elsewhere (a unit test) a Pacer of its own. A worker that cannot reach the runner's
 * falls back to a share of the limit (limit / workers), so the limit still holds. The state is
 * per target (origin): one target's 429s slow no other (the fault matrix runs several at once).
 */
import net from 'node:net';
import { Pacer, Refused, type AcquireOptions, type Grant, type Outcome } from './pacer';
import { TurnQueue, type LiveChallenges, type Turn, type TurnOptions, type Turns } from './turns';

export interface Flow {
  acquire(options?: AcquireOptions): Promise<Grant>;
  release(grant: Grant, outcome?: Outcome): void;
}

/** One Pacer per target origin, each `limit` requests in flight, and its turns at signing: the runner's (flow-server.ts). */
export class PacerHub {
  private readonly pacers = new Map<string, Pacer>();
  private readonly turns = new Map<string, TurnQueue>();
  constructor(readonly limit: number) {}
  for(origin: string): Pacer {
    let pacer = this.pacers.get(origin);
    if (!pacer) this.pacers.set(origin, (pacer = new Pacer(this.limit)));
    return pacer;
  }
  turnsFor(origin: string): TurnQueue {
    let turns = this.turns.get(origin);
    if (!turns) this.turns.set(origin, (turns = new TurnQueue()));
    return turns;
  }
}

/** A flow and a target's turns as one. */
const withTurns = (flow: Flow, turns: Turns): Flow & Turns => ({
  acquire: (options) => flow.acquire(options),
  release: (grant, outcome) => flow.release(grant, outcome),
  takeTurn: (options) => turns.takeTurn(options),
  giveTurn: (turn, found) => turns.giveTurn(turn, found),
});

/** The runner's hub, when this process is the runner and serves one (set by flow-server.ts). */
let runnerHub: PacerHub | undefined;
export function setRunnerHub(hub: PacerHub | undefined): void {
  runnerHub = hub;
}

/**
 * The flow to `origin` for this process: the runner's Pacer and turns, over `socketPath` from a
 * worker, or a share of `limit` and turns of its own (which hold in this process only).
 */
export function flowFor(origin: string, socketPath: string | undefined, limit: number, workers: number): Flow & Turns {
  if (runnerHub) return withTurns(runnerHub.for(origin), runnerHub.turnsFor(origin));
  const local = withTurns(new Pacer(Math.max(1, Math.floor(limit / Math.max(1, workers)))), new TurnQueue());
  return socketPath ? new RemoteFlow(socketPath, origin, local) : local;
}

type Reply = { id: number; grant?: Grant; turn?: Turn; refused?: string };

/** A worker's side of the socket: one connection, newline-delimited JSON, answers matched by id. */
class RemoteFlow implements Flow, Turns {
  private socket?: net.Socket;
  private failed = false;
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, { options: AcquireOptions; resolve: (g: Grant) => void; reject: (e: Error) => void }>();
  private readonly pendingTurns = new Map<number, { options: TurnOptions; resolve: (turn: Turn) => void }>();
  /** Grants and turns from the local fallback, handed back there. */
  private readonly localGrants = new WeakSet<Grant | Turn>();

  constructor(
    private readonly socketPath: string,
    private readonly origin: string,
    private readonly fallback: Flow & Turns,
  ) {}

  async takeTurn(options: TurnOptions = {}): Promise<Turn> {
    const socket = this.connection();
    if (!socket) return this.localTurn(options);
    const id = this.nextId++;
    return new Promise<Turn>((resolve) => {
      this.pendingTurns.set(id, { options, resolve });
      socket.write(`${JSON.stringify({ op: 'turn', id, origin: this.origin, alone: options.alone === true })}\n`);
    });
  }

  giveTurn(turn: Turn, found?: LiveChallenges): void {
    if (this.localGrants.has(turn)) return this.fallback.giveTurn(turn, found);
    if (this.socket && !this.failed) this.socket.write(`${JSON.stringify({ op: 'give', turn, found })}\n`);
  }

  private async localTurn(options: TurnOptions): Promise<Turn> {
    const turn = await this.fallback.takeTurn(options);
    this.localGrants.add(turn);
    return turn;
  }

  async acquire(options: AcquireOptions = {}): Promise<Grant> {
    const socket = this.connection();
    if (!socket) {
      const grant = await this.fallback.acquire(options);
      this.localGrants.add(grant);
      return grant;
    }
    const id = this.nextId++;
    return new Promise<Grant>((resolve, reject) => {
      this.pending.set(id, { options, resolve, reject });
      socket.write(`${JSON.stringify({ op: 'acquire', id, origin: this.origin, options })}\n`);
    });
  }

  release(grant: Grant, outcome: Outcome = {}): void {
    if (this.localGrants.has(grant)) return this.fallback.release(grant, outcome);
    if (this.socket && !this.failed) this.socket.write(`${JSON.stringify({ op: 'release', grant, outcome })}\n`);
  }

  private connection(): net.Socket | undefined {
    if (this.failed) return undefined;
    if (this.socket) return this.socket;
    const socket = net.createConnection(this.socketPath);
    socket.setEncoding('utf8');
    socket.unref();
    socket.on('data', (chunk: string) => this.read(chunk));
    socket.on('error', () => this.fail());
    socket.on('close', () => this.fail());
    this.socket = socket;
    return socket;
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      let reply: Reply;
      try {
        reply = JSON.parse(this.buffer.slice(0, newline)) as Reply;
      } catch {
        return this.fail();
      }
      this.buffer = this.buffer.slice(newline + 1);
      if (reply.turn) {
        this.pendingTurns.get(reply.id)?.resolve(reply.turn);
        this.pendingTurns.delete(reply.id);
        continue;
      }
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.grant) waiter?.resolve(reply.grant);
      else waiter?.reject(new Refused(reply.refused ?? 'refused'));
    }
  }

  /** The runner's Pacer is gone (the run is ending): what was waiting for it waits for the local share instead. */
  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.socket?.destroy();
    for (const waiter of this.pending.values())
      void this.fallback.acquire(waiter.options).then((grant) => {
        this.localGrants.add(grant);
        waiter.resolve(grant);
      }, waiter.reject);
    this.pending.clear();
    for (const { options, resolve } of this.pendingTurns.values()) void this.localTurn(options).then(resolve);
    this.pendingTurns.clear();
  }
}
