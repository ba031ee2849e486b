/**
 * allurerc.ts as the self-tests use it: same report, but its history goes under
 * ALLURE_SELF_TEST_DIR, so `npm test` never adds entries to the trend of a user's own runs.
 */
import path from 'node:path';
import { defineConfig } from 'allure';
import base from '../../allurerc';

const dir = process.env.ALLURE_SELF_TEST_DIR;
if (!dir) throw new Error('tests/configs/allurerc.self-test.ts needs ALLURE_SELF_TEST_DIR (the self-test sets it).');

export default defineConfig({ ...base, output: path.join(dir, 'allure-report'), historyPath: path.join(dir, 'allure-history.jsonl') });
