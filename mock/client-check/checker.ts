/**
 * The client checker: watches every exchange of one mock (its API and plain-HTTP listeners, through
 * the watcher seam of startMock, and the traps it starts itself), shows each answered exchange to
 * the rules, and gives the verdict on demand (POST /client-verdict on the control listener) or when
 * the mock stops. Only `npm run mock -- --check-client` makes one: the suite's runs of the mock
 * have no watcher, so the checker costs them nothing.
 */
import type http from 'node:http';
import type { Account, AccountName, MockMaterial } from '../accounts';
import type { MockWatcher } from '../server';
import type { ApiRequest, BodyOutcome } from '../request';
import type { Reply } from '../envelope';
import type { ClientRequirementId } from '../../helpers/contract/requirements';
import { readAnswer } from './answer';
import { readArrival, type Port } from './arrival';
import { KeyRing } from './key-ring';
import { noRetryLoop, rateLimit } from './politeness';
import { acceptHeader, jsonBody, keyPlacement, noPlainHttp, type CheckSetup, type Rule, type RuleContext } from './rules';
import { signsEachRequest } from './signing-rule';
import { Tally } from './tally';
import { noKeyThroughRedirects, verifiesCertificate, type ImpostorRule, type Refusal } from './trap-rules';
import { startTraps, type TrapSink, type Traps } from './traps';
import { judgeClient, type ClientSummary } from './verdict';
import { writeClientReports } from './write';
import { clientVerdictLines } from './words';

export interface ClientCheckOptions {
  /** Serve the impostor port, with this certificate (impostorTls() makes one). */
  impostor?: MockMaterial['tls'];
  redirectTrap: boolean;
  /** Requests a second past which the API answers 429. */
  rateLimit?: number;
  /** Where the verdict's files go. */
  reportsDir: string;
}

export interface Judged {
  summary: ClientSummary;
  /** The closing console lines, each checked to hold no key. */
  lines: string[];
  files: string[];
}

/** The rules, one per CLIENT requirement in catalogue order, and the rate limiter CLIENT-08's rule shares its state with. */
export function clientRules(
  ctx: RuleContext,
  accounts: readonly Account[],
  rateLimitPerSecond: number | undefined,
): { rules: Rule[]; impostorRule: ImpostorRule; gate?: (req: ApiRequest) => Reply | undefined } {
  const limiter = rateLimit(rateLimitPerSecond);
  const impostorRule = verifiesCertificate(ctx);
  const rules = [
    keyPlacement(),
    acceptHeader(ctx),
    jsonBody(ctx),
    noPlainHttp(ctx),
    impostorRule,
    noKeyThroughRedirects(ctx),
    signsEachRequest(accounts),
    limiter.rule,
    noRetryLoop(),
  ];
  return { rules, impostorRule, gate: limiter.gate };
}

export class ClientChecker implements TrapSink {
  readonly keys: KeyRing;
  readonly setup: CheckSetup;
  private readonly startedAt = new Date();
  private readonly rules: Rule[];
  private readonly impostorRule: ImpostorRule;
  private readonly gate?: (req: ApiRequest) => Reply | undefined;
  private readonly tallies = new Map<ClientRequirementId, Tally>();
  private readonly leaks = new Map<AccountName, Set<string>>();
  private readonly seen: ClientSummary['seen'] = { api: 0, plain: 0, impostor: 0, trap: 0, 'trap-origin': 0, 'trap-plain': 0, impostorConnections: 0 };
  private seq = 0;
  private traps?: Traps;
  private stopRequested?: () => void;
  private announce?: (judged: Judged) => void;

  constructor(
    private readonly material: MockMaterial,
    private readonly options: ClientCheckOptions,
  ) {
    const accounts = Object.values(material.accounts);
    this.keys = new KeyRing(accounts);
    this.setup = { impostor: !!options.impostor, redirectTrap: options.redirectTrap, rateLimit: options.rateLimit, urls: { base: '' } };
    const ctx: RuleContext = {
      keys: this.keys,
      leaked: (account, how) => {
        const hows = this.leaks.get(account) ?? new Set<string>();
        hows.add(how);
        this.leaks.set(account, hows);
      },
    };
    const composed = clientRules(ctx, accounts, options.rateLimit);
    this.rules = composed.rules;
    this.impostorRule = composed.impostorRule;
    this.gate = composed.gate;
    for (const rule of this.rules) this.tallies.set(rule.id, new Tally());
  }

  /** What startMock is given: the limiter in front of the API, every exchange shown to the rules, POST /client-verdict. */
  readonly watcher: MockWatcher = {
    bend: (behaviour) => {
      const gate = this.gate;
      return gate ? { ...behaviour, gate: (req) => gate(req) ?? behaviour.gate(req) } : behaviour;
    },
    arrived: (transport, req, body) => {
      const port: Port = transport === 'https' ? 'api' : 'plain';
      const arrival = this.arrive(port, req, body);
      return (reply) => this.answered(arrival, reply);
    },
    control: {
      '/client-verdict': async (query) => {
        // A client that just refused the impostor may still be closing that connection.
        await this.settled();
        const judged = this.judge();
        const stop = /^(1|true|yes)$/i.test(query.get('stop') ?? '');
        // Stopping says the verdict itself, as Ctrl-C does.
        if (!stop) this.announce?.(judged);
        return { status: 200, value: judged.summary, after: stop ? () => this.stopRequested?.() : undefined };
      },
    },
  };

  /** Starts the traps asked for; `baseUrl` is the API's, named in the reasons. */
  async listen(baseUrl: string): Promise<{ impostorUrl?: string; trapUrl?: string }> {
    this.setup.urls.base = baseUrl;
    this.traps = await startTraps(this.material, this, { impostor: this.options.impostor, redirectTrap: this.options.redirectTrap });
    this.setup.urls.impostor = this.traps.impostorUrl;
    this.setup.urls.trap = this.traps.trapUrl;
    return { impostorUrl: this.traps.impostorUrl, trapUrl: this.traps.trapUrl };
  }

  /** What POST /client-verdict?stop=1 calls once its answer has left. */
  onStopRequested(stop: () => void): void {
    this.stopRequested = stop;
  }

  /** What a verdict asked for without stopping is shown to (the console). */
  onJudged(show: (judged: Judged) => void): void {
    this.announce = show;
  }

  observe(port: Port, req: http.IncomingMessage, body: BodyOutcome, reply: Reply): void {
    this.answered(this.arrive(port, req, body), reply);
  }

  connected(): void {
    this.seen.impostorConnections += 1;
  }

  refused(how: Refusal): void {
    this.impostorRule.refused(how, this.tallies.get('CLIENT-05')!);
  }

  /** The verdict so far, without writing anything. */
  verdict(): ClientSummary {
    return judgeClient({ startedAt: this.startedAt, setup: this.setup, rules: this.rules, tallies: this.tallies, seen: this.seen, leaks: this.leaks });
  }

  /** The verdict so far, written in every form (throws KeyInOutput rather than write a key). */
  judge(): Judged {
    const summary = this.verdict();
    const files = writeClientReports(summary, this.options.reportsDir, this.keys);
    const lines = clientVerdictLines(summary, files).map((line) => (this.keys.leaks(line) ? '[a line withheld: it would have shown a key]' : line));
    return { summary, lines, files };
  }

  /** Resolves once every connection to the traps that is still ending has been judged. */
  settled(): Promise<void> {
    return this.traps?.settled() ?? Promise.resolve();
  }

  close(): Promise<void> {
    return this.traps?.close() ?? Promise.resolve();
  }

  private arrive(port: Port, req: http.IncomingMessage, body: BodyOutcome): ReturnType<typeof readArrival> {
    this.seen[port] += 1;
    return readArrival(this.keys, (this.seq += 1), port, req, body);
  }

  private answered(arrival: ReturnType<typeof readArrival>, reply: Reply): void {
    const answer = readAnswer(reply, arrival);
    for (const rule of this.rules) rule.observe(arrival, answer, this.tallies.get(rule.id)!);
  }
}
