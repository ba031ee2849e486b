/**
 * The self-test's runs write thousands of Allure result and attachment files that only the
 * self-test reads, a moment later. allure-js-commons fsyncs each one on the Playwright runner's
 * single thread, about 3 ms a file on this machine's disk (some 15 s of the fault matrix, during
 * which no worker is fed). Durability buys nothing here, so the self-test's configurations load
 * this module and skip it. A user's run (`npm run conformance`) keeps Allure's fsync.
 */
import fs from 'node:fs';

fs.fsyncSync = (): void => {};
