/**
 * The client's verdict, a pure function of what the rules kept (their tallies) and how the checker
 * was set up, in the suite's vocabulary and by its rule (helpers/contract/verdict.ts): each CLIENT
 * requirement held, failed, skipped (the client had no occasion to meet it, or its trap was not
 * asked for) or not judged (its trap was set and never reached); the whole conforms,
 * does-not-conform or could-not-judge, exit status 0, 1 or 3. A client never seen is could-not-judge.
 */
import type { AccountName } from '../accounts';
import { CLIENT_REQUIREMENTS, REQUIREMENTS, type ClientRequirementId } from '../../helpers/contract/requirements';
import { EXIT_STATUS, runVerdict, type RequirementVerdict, type Verdict } from '../../helpers/contract/verdict';
import type { Port } from './arrival';
import type { CheckSetup, Rule } from './rules';
import type { Tally } from './tally';

/** A CLIENT requirement's verdict: the suite's fields (`tests` counts what bore on it), its words and its evidence. */
interface ClientRequirementVerdict extends RequirementVerdict {
  title: string;
  /** What was seen, in one sentence: what held, or how many broke it. */
  seen: string;
  /** The first violations, one line each, never holding a key. */
  evidence: string[];
}

/** reports/client-conformance.json (docs/interface.md). */
export interface ClientSummary {
  subject: 'client';
  startedAt: string;
  judgedAt: string;
  verdict: Verdict;
  exitStatus: number;
  /** Requests read on each listener, and connections to the impostor. */
  seen: Record<Port, number> & { impostorConnections: number };
  setup: { impostor: boolean; redirectTrap: boolean; rateLimit: number | null };
  requirements: Record<ClientRequirementId, ClientRequirementVerdict>;
  failedRequirements: ClientRequirementId[];
  notJudgedRequirements: ClientRequirementId[];
  /** Accounts whose key travelled where a third party could read it, and how: rotate those keys. */
  rotate: Array<{ account: AccountName; how: string[] }>;
}

export interface Kept {
  startedAt: Date;
  setup: CheckSetup;
  rules: readonly Rule[];
  tallies: ReadonlyMap<ClientRequirementId, Tally>;
  seen: ClientSummary['seen'];
  leaks: ReadonlyMap<AccountName, ReadonlySet<string>>;
}

export const NEVER_SEEN = 'no request and no connection reached the checker: point your client at the printed base URL';

export function judgeClient(kept: Kept, now = new Date()): ClientSummary {
  const total = Object.values(kept.seen).reduce((n, v) => n + v, 0);
  const requirements = {} as Record<ClientRequirementId, ClientRequirementVerdict>;
  for (const rule of kept.rules) {
    const tally = kept.tallies.get(rule.id);
    requirements[rule.id] = total === 0 ? unjudged(rule.id, 'not-judged', NEVER_SEEN) : requirementVerdict(rule, tally, kept.setup);
  }
  const verdict = runVerdict(requirements, false);
  const by = (status: RequirementVerdict['status']): ClientRequirementId[] => CLIENT_REQUIREMENTS.filter((id) => requirements[id]?.status === status);
  return {
    subject: 'client',
    startedAt: kept.startedAt.toISOString(),
    judgedAt: now.toISOString(),
    verdict,
    exitStatus: EXIT_STATUS[verdict],
    seen: { ...kept.seen },
    setup: { impostor: kept.setup.impostor, redirectTrap: kept.setup.redirectTrap, rateLimit: kept.setup.rateLimit ?? null },
    requirements,
    failedRequirements: by('failed'),
    notJudgedRequirements: by('not-judged'),
    rotate: [...kept.leaks].map(([account, how]) => ({ account, how: [...how].sort() })),
  };
}

function base(id: ClientRequirementId): Pick<ClientRequirementVerdict, 'level' | 'title'> {
  return { level: REQUIREMENTS[id].level, title: REQUIREMENTS[id].title };
}

/** A requirement the client was never seen on: skipped (it was not asked of this setup) or not judged, with the reason. */
function unjudged(id: ClientRequirementId, status: 'skipped' | 'not-judged', reason: string): ClientRequirementVerdict {
  const notJudgedTests = status === 'not-judged' ? 1 : 0;
  return { ...base(id), status, tests: 0, failedTests: 0, notJudgedTests, reason, reasons: [reason], seen: reason, evidence: [] };
}

function requirementVerdict(rule: Rule, tally: Tally | undefined, setup: CheckSetup): ClientRequirementVerdict {
  const unasked = rule.unasked?.(setup);
  const observed = tally?.observed ?? 0;
  const violations = tally?.violations ?? 0;
  if (tally && violations > 0) {
    const more = violations - tally.evidence.length;
    return {
      ...base(rule.id),
      status: 'failed',
      tests: observed,
      failedTests: violations,
      notJudgedTests: 0,
      seen: `${violations} of ${observed} broke it`,
      evidence: more > 0 ? [...tally.evidence, `... and ${more} more`] : [...tally.evidence],
    };
  }
  if (tally && observed > 0 && !unasked) {
    return { ...base(rule.id), status: 'passed', tests: observed, failedTests: 0, notJudgedTests: 0, seen: rule.held(tally), evidence: [] };
  }
  if (unasked) return unjudged(rule.id, 'skipped', unasked);
  const unseen = rule.unseen(setup);
  return unjudged(rule.id, unseen.status, unseen.reason);
}
