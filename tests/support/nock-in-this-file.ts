/**
 * nock for one spec file's tests. nock replaces Node's ClientRequest for the whole worker process
 * as soon as it is imported, and its stand-in knows neither a socket of the caller's (HTTP/1.0's)
 * nor an absolute-form target: it is activated before this file's tests, cleaned after each and
 * restored after the file, so the next file in the worker gets Node's own (request-line.spec.ts;
 * docs/pitfalls.md).
 */
import nock from 'nock';
import { test } from './unit-test';

export function nockInThisFile(): void {
  test.beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  test.afterEach(() => nock.cleanAll());
  test.afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}
