/**
 * AUTH-14 cries no wolf behind a real front end. Debian's nginx runs as a TLS reverse proxy on
 * loopback in front of the conformant embedded mock, configured the way API front ends commonly
 * are: it merges slashes and resolves dot segments before proxying (proxy_pass with a URI), answers
 * an empty 204 to OPTIONS (a CORS preflight), refuses methods the API does not use with its own
 * HTML 405, paths outside /v1/ with its own HTML 404, and a lower-case method with its own HTML 400.
 * The AUTH-14 checks must all pass against it, and nginx's access log must show that it answered
 * some variants itself (no upstream status), so the pass covers nginx's own answers too.
 *
 * Config, certificate and logs live in a private temp directory that is removed afterwards; nginx
 * is started (once the mock it fronts is up) and stopped here. Runs standalone (`npx tsx tests/steps/nginx-check.ts`) or from the
 * self-test; skipped with the reason when /usr/sbin/nginx is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import type { Summary } from '../../helpers/reporting/summary';
import type { EmbeddedMocks } from '../../helpers/runner/embedded-mock';
import { makePrivateDir, type PrivateDir } from '../../mock/private-dir';
import type { Recorder } from './shard-check';
import { ROOT, runSuiteAgainstMocks, type RunOutputs } from '../support/run-suite';

const NGINX = '/usr/sbin/nginx';
const OUT = path.join('reports', 'self-test', 'nginx');
const CHECK = 'AUTH-14 behind nginx';
/** How long nginx may take to accept TLS connections on a machine under load. */
const READY_WITHIN_MS = 30_000;

function config(dir: string, port: number, upstream: URL): string {
  return `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  log_format variants '$status $upstream_status "$request"';
  access_log ${dir}/access.log variants;
  merge_slashes on;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    if ($request_method !~ ^(GET|HEAD|POST|OPTIONS)$) { return 405; }
    location /v1/ {
      if ($request_method = OPTIONS) { return 204; }
      # With a URI part, nginx proxies its normalised path: slashes merged, dot segments resolved.
      proxy_pass ${upstream.origin}/v1/;
      # Loopback hop to the self-test's own mock; the suite's side of nginx is verified as usual.
      proxy_ssl_verify off;
    }
    location / { return 404; }
  }
}
`;
}

/** A port the OS just handed out; nginx cannot be told to pick one itself. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once a TLS handshake with nginx succeeds; rejects if nginx exits or the deadline passes. */
function ready(port: number, ca: string, nginx: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  return new Promise((resolve, reject) => {
    let exited = false;
    nginx.once('exit', (code) => {
      exited = true;
      reject(new Error(`nginx exited with ${code} before it accepted connections`));
    });
    const attempt = (): void => {
      if (exited) return;
      const socket = tls.connect({ host: '127.0.0.1', port, ca, rejectUnauthorized: true });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not accept a TLS connection within ${READY_WITHIN_MS / 1000} s`));
        // nginx binds its socket asynchronously after start: try again on the next turn of the event loop.
        else setImmediate(attempt);
      });
    };
    attempt();
  });
}

/** Starts nginx in front of the started mock; resolves with the settings that point the suite at nginx. */
async function startNginx(dir: PrivateDir, mocks: EmbeddedMocks, started: (nginx: ChildProcess) => void): Promise<Record<string, string>> {
  const target = mocks.targetEnv.conformant!;
  dir.write('cert.pem', mocks.material.tls.certPem);
  dir.write('key.pem', mocks.material.tls.keyPem);
  const port = await freePort();
  const conf = dir.write('nginx.conf', config(dir.path, port, new URL(target.CARDPLUSPAY_BASE_URL!)));
  // -e: the error log before the config is read; Debian's default (/var/log/nginx) is root's.
  const nginx = spawn(NGINX, ['-p', dir.path, '-e', path.join(dir.path, 'error.log'), '-c', conf], { stdio: 'ignore' });
  started(nginx);
  await ready(port, mocks.material.tls.certPem, nginx);
  // A remote-style target: the suite knows nothing of the mock behind nginx.
  return {
    CARDPLUSPAY_TARGET: 'remote',
    CARDPLUSPAY_BASE_URL: `https://127.0.0.1:${port}/v1/`,
    CARDPLUSPAY_HTTP_URL: target.CARDPLUSPAY_HTTP_URL!,
    SELF_TEST_OUT_DIR: OUT,
  };
}

async function stop(nginx: ChildProcess | undefined): Promise<void> {
  if (!nginx || nginx.exitCode !== null || nginx.signalCode !== null) return;
  const exited = new Promise((resolve) => nginx.once('exit', resolve));
  nginx.kill('SIGTERM');
  await exited;
}

export async function nginxCheck(record: Recorder): Promise<RunOutputs | undefined> {
  if (!fs.existsSync(NGINX)) {
    record(
      CHECK,
      true,
      `SKIPPED: nginx is not installed at ${NGINX}, so AUTH-14 was not checked behind a real front end. Install Debian's package: apt-get install -y nginx (.ci/run does this).`,
    );
    return undefined;
  }
  const started = Date.now();
  fs.rmSync(path.join(ROOT, OUT), { recursive: true, force: true });
  fs.rmSync(path.join(ROOT, 'test-results', 'isolated', path.basename(OUT)), { recursive: true, force: true });
  const dir = makePrivateDir('cardpluspay-nginx-');
  let nginx: ChildProcess | undefined;
  try {
    const { runs, redactor, outputs } = await runSuiteAgainstMocks<Summary>(
      [{ name: 'conformant' }],
      [
        [
          {
            name: 'AUTH-14 behind nginx',
            config: 'tests/configs/isolated.config.ts',
            args: ['--grep', '@AUTH-14'],
            env: (mocks) => startNginx(dir, mocks, (n) => (nginx = n)),
            summaryFile: path.join(OUT, 'conformance-summary.json'),
          },
        ],
      ],
    );
    await stop(nginx);
    const run = runs[0]!;
    const summary = run.summary;
    const logFile = path.join(dir.path, 'access.log');
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n') : [];
    // "-" as upstream status: nginx answered the request itself.
    const own = log.filter((l) => / - "/.test(l));
    const ownStatuses = [...new Set(own.map((l) => l.split(' ')[0]!))].sort();
    const ok = summary?.requirements['AUTH-14']?.status === 'passed' && summary.totals.failed === 0 && summary.totals.passed > 0 && ownStatuses.length > 0;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    record(
      CHECK,
      ok,
      summary
        ? `${summary.totals.passed} passed, ${summary.totals.failed} failed through nginx (${log.length} requests, ${own.length} answered by nginx itself with ${ownStatuses.join('/') || 'nothing'}) in ${seconds} s${summary.failedTests.length ? `; failed: ${summary.failedTests.slice(0, 5).join(' | ')}` : ''}`
        : `the run wrote no summary (Playwright exit ${run.code}): ${redactor.redact(run.rawOutput.split('\n').slice(-20).join('\n'))}`,
    );
    return outputs;
  } catch (error) {
    record(CHECK, false, `could not run: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  } finally {
    await stop(nginx);
    dir.remove();
  }
}

if (require.main === module) {
  void nginxCheck((name, ok, detail) => {
    process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}\n`);
    if (!ok) process.exitCode = 1;
  });
}
