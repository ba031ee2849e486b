/**
 * SAFE-01: the output boundary. A process that arms it writes no configured secret to its stdout or
 * stderr, whoever writes (console.log, a raw Buffer, an uncaught error), in any encoding the
 * redactor knows; a secret registered after arming (an embedded mock's key) is masked too. Run in a
 * child process, as the runner and each worker arm it, and read by the independent detector.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import { cleanEnv } from '../../helpers/runner/env';
import { leakedEncodings } from '../support/leak-detector';

const ROOT = path.resolve(__dirname, '..', '..');
const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
const LATER = 'cpp_test_LaterLaterLaterLaterLater0000000';
const SAFE01 = { annotation: [{ type: 'requirement', description: 'SAFE-01' }] };

const SCRIPT = `
const { armOutputBoundary } = require(${JSON.stringify(path.join(ROOT, 'helpers', 'runner', 'output-boundary.ts'))});
const { redactor } = require(${JSON.stringify(path.join(ROOT, 'helpers', 'safety', 'redact.ts'))});
if (process.env.ARM === '1') armOutputBoundary();
const key = process.env.CARDPLUSPAY_API_KEY;
console.log('the key:', key);
console.error('base64:', Buffer.from(key + ':').toString('base64'));
process.stdout.write(Buffer.from('as bytes: ' + key + '\\n'));
process.stdout.write('percent, twice: ' + encodeURIComponent(encodeURIComponent(key)) + '\\n');
redactor.add(process.env.LATER);
console.log('a secret learnt later:', process.env.LATER);
throw new Error('uncaught, holding ' + key);
`;

function run(arm: boolean): string {
  const child = spawnSync(process.execPath, [require.resolve('tsx/cli'), '-e', SCRIPT], {
    cwd: ROOT,
    env: { ...cleanEnv(), CARDPLUSPAY_API_KEY: KEY, LATER, ARM: arm ? '1' : '0' },
    encoding: 'utf8',
  });
  return `${child.stdout}\n${child.stderr}`;
}

test('SAFE-01 an armed process writes no secret to stdout or stderr, whoever writes', SAFE01, () => {
  const output = run(true);
  expect(output).toContain('the key:');
  expect(output).toContain('uncaught, holding');
  expect(leakedEncodings(output, [KEY, LATER]), 'encodings of a secret found in the output').toEqual([]);
});

test('SAFE-01 the check can fail: the same process unarmed prints the key', SAFE01, () => {
  expect(leakedEncodings(run(false), [KEY, LATER]).length).toBeGreaterThan(0);
});
