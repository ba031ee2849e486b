/**
 * SAFE-04: `npm run conformance` stops on a settings mistake with exit status 2 and the message,
 * before any connection reaches the target, and never prints the key.
 *
 * Two runs prove the wiring end to end, a target's and the mock's: the launcher starts Playwright,
 * whose config refuses in setUpRun, and the run exits 2 with the messages and no connection. Every
 * other mistake is checked against startProblems, the very list setUpRun refuses with, without
 * starting a run: a run cost 2-3 CPU-seconds, and the refusal, not the process, is what differs
 * from one mistake to the next.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import { cleanEnv } from '../../helpers/runner/env';
import { startProblems } from '../../helpers/runner/run-setup';
import { KEY } from './settings-mistakes';

const ROOT = path.resolve(__dirname, '..', '..');
const SAFE04 = { annotation: [{ type: 'requirement', description: 'SAFE-04' }] };

/** Runs `npm run conformance`'s entry with an environment; counts connections to the target. */
async function runConformance(env: Record<string, string>): Promise<{ code: number | null; stderr: string; connections: number }> {
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const withPort = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace('PORT', String(port))]));
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'helpers', 'runner', 'run-conformance.ts')], {
    cwd: ROOT,
    env: { ...cleanEnv(), ...withPort },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  server.close();
  return { code, stderr, connections };
}

test('SAFE-04 npm run conformance exits 2 on a bad setting, before any request', SAFE04, async () => {
  const run = await runConformance({
    CARDPLUSPAY_BASE_URL: 'https://127.0.0.1:PORT/v1',
    CARDPLUSPAY_API_KEY: `${KEY}\n`,
    CARDPLUSPAY_HEADER_NAME_CASE: 'lower',
  });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('Cannot start: CARDPLUSPAY_API_KEY ends with a newline.');
  expect(run.stderr).toContain('Cannot start: CARDPLUSPAY_HEADER_NAME_CASE has unknown value "lower".');
  expect(run.stderr).not.toContain(KEY);
  expect(run.connections, 'no connection reached the target').toBe(0);
});

test('SAFE-04 a key set without a base URL is refused instead of silently testing the mock', SAFE04, async () => {
  const run = await runConformance({ CARDPLUSPAY_API_KEY: KEY });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('Cannot start: CARDPLUSPAY_API_KEY is set but CARDPLUSPAY_BASE_URL is not.');
  expect(run.stderr).not.toContain(KEY);
});

/** Playwright's command line as the launcher gives it, which setUpRun reads. */
const ARGV = ['test', '-c', path.join(ROOT, 'playwright.config.ts')];
/** A closed port: nothing is sent, since a run that refuses never connects (the tests above). */
const REMOTE = { CARDPLUSPAY_BASE_URL: 'https://127.0.0.1:9/v1', CARDPLUSPAY_API_KEY: KEY };
for (const [what, env, name] of [
  ['NODE_TLS_REJECT_UNAUTHORIZED=0 with a target', { ...REMOTE, NODE_TLS_REJECT_UNAUTHORIZED: '0' }, 'NODE_TLS_REJECT_UNAUTHORIZED'],
  ['NODE_TLS_REJECT_UNAUTHORIZED=0 with the mock', { NODE_TLS_REJECT_UNAUTHORIZED: '0' }, 'NODE_TLS_REJECT_UNAUTHORIZED'],
  ['a challenge path that routes to POST orders', { ...REMOTE, CARDPLUSPAY_CHALLENGE_PATH: 'orders;x' }, 'CARDPLUSPAY_CHALLENGE_PATH'],
  ['a base URL ending in #', { ...REMOTE, CARDPLUSPAY_BASE_URL: 'https://127.0.0.1:9/v1#' }, 'CARDPLUSPAY_BASE_URL'],
  ['a base URL whose path holds %3F', { ...REMOTE, CARDPLUSPAY_BASE_URL: 'https://127.0.0.1:9/v1/orders%3F' }, 'CARDPLUSPAY_BASE_URL'],
  ['a challenge path holding %3F', { ...REMOTE, CARDPLUSPAY_CHALLENGE_PATH: 'orders%3F' }, 'CARDPLUSPAY_CHALLENGE_PATH'],
  ['CARDPLUSPAY_MOCK_FAULT from the user, with a target', { ...REMOTE, CARDPLUSPAY_MOCK_FAULT: 'none' }, 'CARDPLUSPAY_MOCK_FAULT'],
  ['CARDPLUSPAY_MOCK_FAULT from the user, with the mock', { CARDPLUSPAY_MOCK_FAULT: 'none' }, 'CARDPLUSPAY_MOCK_FAULT'],
] as const) {
  test(`SAFE-04 npm run conformance refuses ${what} before it starts`, SAFE04, () => {
    const problems = startProblems(ARGV, { ...cleanEnv(), ...env });
    expect(
      problems.some((p) => p.startsWith(`Cannot start: ${name} `)),
      `problems were:\n${problems.join('\n')}`,
    ).toBe(true);
    for (const p of problems) expect(p.includes(KEY), 'a refusal never prints a key').toBe(false);
  });
}

test('SAFE-04 a setting without a mistake leaves the run nothing to refuse', SAFE04, () => {
  // The rows above are only worth as much as this: a clean start has no problem for them to find.
  expect(startProblems(ARGV, { ...cleanEnv(), ...REMOTE })).toEqual([]);
  expect(startProblems(ARGV, cleanEnv())).toEqual([]);
});
