/**
 * The bench's remote sections: `npm run conformance` against a target the run did not start, as a
 * user checks a deployment (base URL, keys, key files, CA file), with a distant deployment's costs
 * put in by the front (front.ts) between the suite and a conformant mock started apart from the run.
 *   remote-latency: every request waits --latency-ms (250) at the front. Reference:
 *     1.5 x requests x latency / concurrency + the challenge-lifetime waits of SIGN-11.
 *   remote-rate: the front allows 10 requests a second across all connections (burst 10) and
 *     answers the rest `429`, `Retry-After: 1`. References, from a run through the same front
 *     without the limit in the same repeat: wall 1.2 x its requests / 10, requests 1.5 x its requests.
 * Both verdicts must be "conforms": the target is the conformant mock.
 */
import path from 'node:path';
import type { Summary } from '../../helpers/reporting/summary';
import { startEmbeddedMocks, type EmbeddedMocks } from '../../helpers/runner/embedded-mock';
import { MOCK_TTL_SECONDS } from '../../mock/server';
import { ROOT } from '../support/run-suite';
import { concurrency, freshSummary, outcome, runEnv } from './conformance-run';
import { figure, problems, progress, seconds } from './figures';
import { startFront, type FrontOptions } from './front';
import { npmCommand, timeCommand } from './measure';
import type { Options } from './options';
import { LOG_DIR } from './suite-runs';

const MOCK = 'remote';
const RATE_PER_SECOND = 10;

/**
 * What SIGN-11's checks wait: 0.3 of the lifetime inside it (specs/signing/lifetime.spec.ts), and
 * the lifetime + 1 s + 5 % past it (specs/0-real-time/expiry.spec.ts); 3.7 s with the mock's 2 s.
 * They are two tests, which two workers may run side by side, so their sum is the most the waits
 * add to a run's wall time.
 */
const lifetimeWaitsS = (ttlS: number): number => 0.3 * ttlS + (ttlS + 1 + 0.05 * ttlS);

interface RemoteRun {
  wallS: number;
  code: number;
  summary?: Summary;
  /** What the front counted: every request it received, and those it answered 429 itself. */
  front: { requests: number; limited: number };
}

async function withMock(fn: (mocks: EmbeddedMocks) => Promise<void>): Promise<void> {
  const mocks = await startEmbeddedMocks([{ name: MOCK }], MOCK_TTL_SECONDS);
  try {
    await fn(mocks);
  } finally {
    await mocks.close();
  }
}

async function runThroughFront(mocks: EmbeddedMocks, front: Pick<FrontOptions, 'latencyMs' | 'ratePerSecond'>, log: string): Promise<RemoteRun> {
  const mock = mocks.handles.get(MOCK)!;
  const { certPem, keyPem } = mocks.material.tls;
  // The front serves the mock's own certificate, which the CA file (the same certificate) vouches for.
  const started = await startFront({ upstream: mock.baseUrl, tls: { certPem, keyPem, caPem: certPem }, ...front });
  try {
    // What a user exports for a deployment (as the runner check does): the mock's keys, key files,
    // CA and lifetime, the front's URL. TLS-02 probes the mock's own plain-HTTP origin (same host).
    const { CARDPLUSPAY_TARGET: _runnerOnly, ...shared } = mocks.sharedEnv;
    const env = runEnv({ ...shared, CARDPLUSPAY_BASE_URL: started.baseUrl, CARDPLUSPAY_HTTP_URL: mock.httpUrl });
    const [cmd, args] = npmCommand(['run', '-s', 'conformance']);
    const at = Date.now();
    const sample = await timeCommand(cmd, args, { cwd: ROOT, env, logFile: path.join(LOG_DIR, log) });
    const summary = freshSummary(at);
    if (!summary) problems.push(`npm run conformance through the front wrote no summary (exit ${sample.code}; reports/bench-logs/${log})`);
    return { wallS: seconds(sample.wallMs), code: sample.code, summary, front: { ...started.counts } };
  } finally {
    await started.close();
  }
}

function report(name: string, i: number, options: Options, run: RemoteRun): void {
  progress(
    `  ${name} ${i + 1}/${options.repeat}: ${run.wallS.toFixed(1)} s wall, ${run.summary?.requests ?? '?'} requests sent (${run.front.requests} at the front, ${run.front.limited} answered 429), exit ${run.code}, ${outcome(run.summary)}`,
  );
}

/** The runs' outcomes and request counts, for a figure's note. */
function notes(runs: readonly RemoteRun[]): string {
  const outcomes = [...new Set(runs.map((r) => outcome(r.summary)))].join(' / ');
  return `${outcomes}; requests sent ${runs.map((r) => r.summary?.requests ?? '?').join('/')}, at the front ${runs.map((r) => r.front.requests).join('/')}`;
}

export async function remoteLatency(options: Options): Promise<void> {
  const runs: RemoteRun[] = [];
  await withMock(async (mocks) => {
    for (let i = 0; i < options.repeat; i++) {
      runs.push(await runThroughFront(mocks, { latencyMs: options.latencyMs }, `remote-latency-${i + 1}.log`));
      report('remote-latency', i, options, runs[i]!);
    }
  });
  const latencyS = options.latencyMs / 1000;
  const inFlight = concurrency();
  const waits = lifetimeWaitsS(MOCK_TTL_SECONDS);
  const conforms = runs.every((r) => r.summary?.verdict === 'conforms');
  figure({
    name: `remote, ${options.latencyMs} ms latency: npm run conformance (wall)`,
    unit: 's',
    runs: runs.map((r) => r.wallS),
    reference: {
      name: `1.5 x requests x ${latencyS} s / ${inFlight} + ${waits.toFixed(1)} s lifetime waits`,
      runs: runs.map((r) => (1.5 * (r.summary?.requests ?? NaN) * latencyS) / inFlight + waits),
    },
    target: '<= reference, conforms',
    ratioTarget: (ratio) => ratio <= 1 && conforms,
    note: notes(runs),
  });
}

export async function remoteRate(options: Options): Promise<void> {
  const free: RemoteRun[] = [];
  const limited: RemoteRun[] = [];
  await withMock(async (mocks) => {
    for (let i = 0; i < options.repeat; i++) {
      free.push(await runThroughFront(mocks, { latencyMs: 0 }, `remote-unlimited-${i + 1}.log`));
      report('remote, no limit', i, options, free[i]!);
      limited.push(await runThroughFront(mocks, { latencyMs: 0, ratePerSecond: RATE_PER_SECOND }, `remote-rate-${i + 1}.log`));
      report(`remote-rate, ${RATE_PER_SECOND}/s`, i, options, limited[i]!);
    }
  });
  const sameVerdict = limited.every((r, i) => r.summary !== undefined && r.summary.verdict === free[i]!.summary?.verdict);
  figure({ name: 'remote, no latency or limit: npm run conformance (wall)', unit: 's', runs: free.map((r) => r.wallS), note: notes(free) });
  figure({
    name: `remote, ${RATE_PER_SECOND} req/s limit: npm run conformance (wall)`,
    unit: 's',
    runs: limited.map((r) => r.wallS),
    reference: { name: `1.2 x unlimited run's requests / ${RATE_PER_SECOND}`, runs: free.map((r) => (1.2 * r.front.requests) / RATE_PER_SECOND) },
    target: '<= reference, verdict as unlimited',
    ratioTarget: (ratio) => ratio <= 1 && sameVerdict,
    note: notes(limited),
  });
  figure({
    name: `remote, ${RATE_PER_SECOND} req/s limit: requests sent (at the front)`,
    unit: 'req',
    runs: limited.map((r) => r.front.requests),
    reference: { name: "1.5 x unlimited run's requests", runs: free.map((r) => 1.5 * r.front.requests) },
    target: '<= reference',
    ratioTarget: (ratio) => ratio <= 1,
    note: `answered 429: ${limited.map((r) => r.front.limited).join('/')}`,
  });
}
