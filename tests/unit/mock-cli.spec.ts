/**
 * The standalone mock: lists its faults, refuses unknown arguments with exit status 2, prints
 * settings that work as pasted, and cleans up its secret files when stopped. One refusal is run as
 * a process, for the exit status and the message; the others are read from the CLI's own parse
 * (mock/cli-args.ts), since a process each cost about a CPU-second and differed only in the parse.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import { parseArgs, UsageError, USAGE } from '../../mock/cli-args';
import { FAULT_NAMES } from '../../mock/faults';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = ['--import', 'tsx', path.join('mock', 'cli.ts')];

function runToEnd(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--list-faults prints every fault with the ids it breaks, or the verdict a behaviour that breaks none should get', () => {
  const { status, stdout } = runToEnd(['--list-faults']);
  expect(status).toBe(0);
  for (const name of FAULT_NAMES) expect(stdout).toMatch(new RegExp(`^${name} +([A-Z]+-\\d\\d|expect (conforms|could-not-judge))`, 'm'));
});

test('an unknown fault exits 2 and says what is known, with the usage', () => {
  const fault = runToEnd(['--fault', 'no-such-fault']);
  expect(fault.status).toBe(2);
  expect(fault.stderr).toContain('Unknown fault "no-such-fault"');
  expect(fault.stderr).toContain('any-key-accepted');
  expect(fault.stderr).toContain(USAGE);
});

/** The usage error the CLI's parse refuses `args` with (printed, exit 2: the test above), or undefined when it takes them. */
function refusal(args: readonly string[]): string | undefined {
  try {
    parseArgs(args);
    return undefined;
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

test('an unknown mode, a bad TTL or an unknown flag is refused', () => {
  for (const [args, says] of [
    [['--http-mode', 'maybe'], 'Unknown --http-mode "maybe"'],
    [['--ttl', '-1'], '--ttl must be a number of seconds greater than 0'],
    [['--frobnicate'], 'Unknown argument "--frobnicate"'],
    [['--fault'], '--fault needs a value'],
  ] as const) {
    expect(refusal(args), args.join(' ')).toContain(says);
  }
  expect(refusal(['--fault', 'short-hsts', '--http-mode', '426', '--ttl', '7']), 'what the running mock below is started with').toBeUndefined();
});

test('the client checker is off unless asked, and refuses what would falsify its verdict', () => {
  for (const [args, says] of [
    [['--impostor'], '--impostor only with --check-client'],
    [['--rate-limit', '5', '--redirect-trap'], '--redirect-trap, --rate-limit only with --check-client'],
    [['--check-client', '--fault', 'short-hsts'], 'leave out --fault'],
    [['--check-client', '--http-mode', 'refuse'], 'needs a plain-HTTP origin that reads requests'],
    [['--check-client', '--rate-limit', '0'], '--rate-limit must be a number of requests a second greater than 0'],
  ] as const) {
    expect(refusal(args), args.join(' ')).toContain(says);
  }
  expect(refusal(['--check-client', '--impostor', '--redirect-trap', '--rate-limit', '5'])).toBeUndefined();
});

function readUntil(child: ChildProcessWithoutNullStreams, marker: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes(marker)) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`the mock exited (${code}) before printing "${marker}": ${out}`)));
  });
}

test('a running mock prints working settings and removes its temp dir on SIGTERM', async () => {
  const child = spawn(process.execPath, [...CLI, '--fault', 'short-hsts', '--http-mode', '426', '--ttl', '7'], { cwd: ROOT });
  try {
    const out = await readUntil(child, 'Ctrl-C');
    const env = Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^'|'$/g, '')]));
    expect(Object.keys(env).sort()).toEqual([
      'CARDPLUSPAY_API_KEY',
      'CARDPLUSPAY_BASE_URL',
      'CARDPLUSPAY_CA_FILE',
      'CARDPLUSPAY_CHALLENGE_TTL_SECONDS',
      'CARDPLUSPAY_HTTP_URL',
      'CARDPLUSPAY_INACTIVE_API_KEY',
      'CARDPLUSPAY_SECOND_API_KEY',
      'CARDPLUSPAY_SECOND_SIGNING_API_KEY',
      'CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE',
      'CARDPLUSPAY_SIGNING_API_KEY',
      'CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE',
    ]);
    expect(env.CARDPLUSPAY_CHALLENGE_TTL_SECONDS).toBe('7');
    expect(out).toContain('short-hsts');
    for (const file of [env.CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE!, env.CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE!]) {
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(file, 'utf8')).toContain('PRIVATE KEY');
    }
    const ca = fs.readFileSync(env.CARDPLUSPAY_CA_FILE!, 'utf8');
    const answer = await new Promise<{ status?: number; hsts?: string }>((resolve, reject) => {
      https
        .get(new URL('balance', env.CARDPLUSPAY_BASE_URL), { ca, agent: false, headers: { 'X-API-Key': env.CARDPLUSPAY_API_KEY! } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode, hsts: res.headers['strict-transport-security'] });
        })
        .on('error', reject);
    });
    expect(answer).toEqual({ status: 200, hsts: 'max-age=3600' });

    const dir = path.dirname(env.CARDPLUSPAY_CA_FILE!);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(fs.existsSync(dir)).toBe(false);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
