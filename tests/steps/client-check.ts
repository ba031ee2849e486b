/**
 * The client checker's proof (issue 21), one `npm test` step: every client of
 * tests/support/client-checker/clients.ts against a checker of its own (a conforming one per
 * library, one breaking each CLIENT requirement, one that sends nothing), each held to its verdict
 * and to exactly its ids; then the checker as users start it, `mock/cli.ts --check-client`, stopped
 * the three ways: POST /client-verdict?stop=1 on `npm run mock` (exit 0 for README's example client),
 * SIGTERM (exit 1 for a request without Accept) and Ctrl-C on `npm run mock` (exit 3: a client
 * never seen; npm's script is `exec node --import tsx ...` so that nothing between npm and the
 * checker dies of the Ctrl-C first, docs/pitfalls.md). Every
 * file the checkers wrote is searched for their keys by the leak detector, which shares no code
 * with the checker.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createMockMaterial } from '../../mock/accounts';
import { makePrivateDir } from '../../mock/private-dir';
import type { ClientSummary } from '../../mock/client-check/verdict';
import { cleanEnv } from '../../helpers/runner/env';
import { detectLeaks } from '../support/leak-detector';
import { ROOT, type RunOutputs } from '../support/run-suite';
import type { Recorder } from './shard-check';

const OUT = path.join(ROOT, 'reports', 'self-test', 'client-check');
const TSX = require.resolve('tsx/cli');

/** The clients table, in a process that trusts the mock's certificate (Playwright's request trusts only NODE_EXTRA_CA_CERTS). */
async function runClients(record: Recorder, only?: string): Promise<string[]> {
  const material = await createMockMaterial();
  const dir = makePrivateDir('cardpluspay-client-check-');
  try {
    const env = {
      ...cleanEnv(),
      CLIENT_CHECK_MATERIAL: dir.write('material.json', JSON.stringify(material)),
      CLIENT_CHECK_REPORTS: path.join(OUT, 'clients'),
      NODE_EXTRA_CA_CERTS: dir.write('ca.pem', material.tls.certPem),
      ...(only ? { CLIENT_CHECK_ONLY: only } : {}),
    };
    const child = spawn(process.execPath, [TSX, path.join(ROOT, 'tests', 'support', 'client-checker', 'run-clients.ts')], { cwd: ROOT, env });
    const { code, stdout, stderr } = await ended(child);
    const lines = stdout.split('\n').filter((l) => l.startsWith('{'));
    for (const line of lines) {
      const r = JSON.parse(line) as { name: string; ok: boolean; detail: string };
      record(r.name, r.ok, r.detail);
    }
    if (code !== 0 || lines.length === 0) record('client check: the clients ran', false, `exit ${code}; ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    return Object.values(material.accounts).flatMap((a) => [a.key, ...(a.signing ? [a.signing.privateKeyPem] : [])]);
  } finally {
    dir.remove();
  }
}

function ended(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** What the checker printed that a client needs. */
interface Printed {
  base: string;
  ca: string;
  caFile: string;
  key: string;
  control: string;
  keys: string[];
}

function printedBy(child: ChildProcessWithoutNullStreams): Promise<Printed> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString('utf8');
      if (!out.includes('Stopping writes the verdict')) return;
      // Read once: the CA file is gone once the checker stops, and the verdict lines follow.
      child.stdout.off('data', onData);
      const field = (name: string): string => out.match(new RegExp(`${name} +(\\S+)`))?.[1] ?? '';
      resolve({
        base: field('HTTPS base URL'),
        ca: fs.readFileSync(field('CA file'), 'utf8'),
        caFile: field('CA file'),
        key: out.match(/^export CARDPLUSPAY_API_KEY=(\S+)$/m)?.[1] ?? '',
        control: field('control URL'),
        keys: [...out.matchAll(/cpp_test_[A-Za-z0-9]{32}/g)].map((m) => m[0]),
      });
    };
    child.stdout.on('data', onData);
    child.once('close', (code) => reject(new Error(`the checker exited (${code}) before it was ready: ${out.slice(-300)}`)));
  });
}

function get(url: string, ca: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** README's example client (its section for integrators), run as a user would: copied into client.mjs, with the printed base URL, key and CA file. */
async function readmeClient(p: Printed): Promise<void> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## For integrators')))?.[1];
  if (!code) throw new Error("README's section for integrators has no ```js example");
  const dir = makePrivateDir('cardpluspay-readme-client-');
  try {
    const env = { ...cleanEnv(), BASE: p.base, KEY: p.key, CA: p.caFile };
    const { code: exit, stderr } = await ended(spawn(process.execPath, [dir.write('client.mjs', code)], { cwd: ROOT, env }));
    if (exit !== 0) throw new Error(`README's example client exited ${exit}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  } finally {
    dir.remove();
  }
}

interface CliCase {
  name: string;
  /** `npm run mock` as a user types it, or the CLI file straight. */
  via: 'npm' | 'tsx';
  client(p: Printed): Promise<void>;
  stop(child: ChildProcessWithoutNullStreams, p: Printed): Promise<void>;
  expect: { code: number; verdict: ClientSummary['verdict']; says: RegExp };
}

const CLI_CASES: readonly CliCase[] = [
  {
    name: "npm run mock, README's example client, then POST /client-verdict and POST /client-verdict?stop=1",
    via: 'npm',
    client: readmeClient,
    stop: async (_child, p) => {
      const asked = (await (await fetch(`${p.control}client-verdict`, { method: 'POST' })).json()) as ClientSummary;
      if (asked.verdict !== 'conforms') throw new Error(`POST /client-verdict said ${asked.verdict}`);
      await fetch(`${p.control}client-verdict?stop=1`, { method: 'POST' });
    },
    expect: { code: 0, verdict: 'conforms', says: /Verdict: the client conforms/ },
  },
  {
    name: 'a request without Accept, then SIGTERM',
    via: 'tsx',
    client: async (p) => void (await get(`${p.base}balance`, p.ca, { 'X-API-Key': p.key })),
    stop: async (child) => void child.kill('SIGTERM'),
    expect: {
      code: 1,
      verdict: 'does-not-conform',
      says: /FAILED CLIENT-02[\s\S]*no Accept header[\s\S]*Verdict: the client does NOT conform: CLIENT-02 failed/,
    },
  },
  {
    name: 'npm run mock, no client at all, then Ctrl-C',
    via: 'npm',
    client: async () => undefined,
    // Ctrl-C signals the terminal's whole foreground group: npm, its shell, tsx and the mock.
    stop: async (child) => void process.kill(-child.pid!, 'SIGINT'),
    expect: { code: 3, verdict: 'could-not-judge', says: /Verdict: could not judge the client: CLIENT-0\d.*no request and no connection reached the checker/ },
  },
];

async function runCli(record: Recorder, c: CliCase, i: number): Promise<void> {
  const reports = path.join(OUT, `cli-${i + 1}`);
  const args = ['--check-client', '--reports-dir', reports];
  const child =
    c.via === 'npm'
      ? spawn('npm', ['run', '--silent', 'mock', '--', ...args], { cwd: ROOT, env: cleanEnv(), detached: true })
      : // node with tsx's loader, as `npm run mock` starts it: tsx's own CLI would stand between the signal and the checker.
        spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'mock', 'cli.ts'), ...args], { cwd: ROOT, env: cleanEnv() });
  const started = Date.now();
  const whole = ended(child);
  const problems: string[] = [];
  let keys: string[] = [];
  try {
    const printed = await printedBy(child);
    keys = printed.keys;
    await c.client(printed);
    await c.stop(child, printed);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
    try {
      // npm's whole group, so that no mock outlives the case.
      if (c.via === 'npm') process.kill(-child.pid!, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  const { code, stdout, stderr } = await whole;
  // The mock prints its throwaway keys at the start, on purpose; nothing after the banner may show one.
  const verdictText = stdout.slice(stdout.indexOf('Stopping writes the verdict'));
  if (code !== c.expect.code) problems.push(`exit ${code}, expected ${c.expect.code}`);
  if (!c.expect.says.test(verdictText))
    problems.push(`the output does not say ${String(c.expect.says)}: ${verdictText.trim().split('\n').slice(-3).join(' | ')} ${stderr.trim()}`);
  const summaryFile = path.join(reports, 'client-conformance.json');
  const summary = fs.existsSync(summaryFile) ? (JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as ClientSummary) : undefined;
  if (summary?.verdict !== c.expect.verdict) problems.push(`client-conformance.json says ${summary?.verdict ?? 'nothing'}, expected ${c.expect.verdict}`);
  const missing = ['client-conformance.md', 'client-junit.xml', 'client-allure-results'].filter((f) => !fs.existsSync(path.join(reports, f)));
  if (missing.length) problems.push(`not written: ${missing.join(', ')}`);
  const leaks = detectLeaks([reports], keys, { 'the verdict lines': verdictText }).map((l) => l.where);
  if (keys.length === 0) problems.push('no key found in the banner to scan for');
  if (leaks.length) problems.push(`a key in: ${leaks.join(', ')}`);
  record(
    `client check CLI: ${c.name}`,
    problems.length === 0,
    problems.length ? problems.join('; ') : `exit ${code}, ${summary?.verdict} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

export async function clientCheck(record: Recorder, only?: string): Promise<RunOutputs> {
  fs.rmSync(OUT, { recursive: true, force: true });
  const secrets = await runClients(record, only);
  for (const [i, c] of CLI_CASES.entries()) if (!only || new RegExp(only).test(c.name)) await runCli(record, c, i);
  return { secrets, printed: {}, cookies: { requests: 0, chosen: 0, ambient: [] } };
}

if (require.main === module) {
  clientCheck((name, ok, detail) => process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}\n`), process.argv[2]).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
