/**
 * How the Allure report sorts what did not pass, so a reviewer tells a broken contract from a run
 * that could not judge it. One list serves both report generations: allure-playwright writes it
 * as categories.json (read by Allure 2 and Allure 3's classic plugin), and allurerc.ts hands the
 * same rules to Allure 3 (its awesome report). First match wins, so the specific come first.
 */

type Status = 'failed' | 'broken' | 'skipped' | 'passed' | 'unknown';

export interface ReportCategory {
  name: string;
  description: string;
  matchedStatuses: Status[];
  /**
   * Allure 2 matches the whole message (Java's matches()); Allure 3 searches it. `[\s\S]*` on
   * both sides makes one pattern mean the same to both, whatever lines the message has.
   */
  messageRegex?: string;
}

const anywhere = (pattern: string): string => `[\\s\\S]*(?:${pattern})[\\s\\S]*`;

/** The not-judged marker (SAFE-07), Node's network errors, Playwright's and the client's timeouts, and the client's 429 budget. */
const UNREACHABLE = [
  'not judged: ',
  'target rate-limited',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'socket hang up',
  'Timeout \\d+ms exceeded',
  'Test timeout of \\d+ms exceeded',
  'timed out after \\d+ ms',
].join('|');

export const REPORT_CATEGORIES: ReportCategory[] = [
  {
    name: 'Not judged: target unreachable, timed out, rate-limited or a run limit reached',
    description:
      'The check could not reach a judgement (refused or reset connection, DNS, TLS before any answer, timeout, 429s past the budget, the request cap or the time limit of the run): neither a pass nor a contract violation (SAFE-07).',
    matchedStatuses: ['failed', 'broken', 'skipped'],
    messageRegex: anywhere(UNREACHABLE),
  },
  {
    name: 'Settings refused',
    description: 'A CARDPLUSPAY_* setting was refused before any request; the message names the variable and the fix.',
    matchedStatuses: ['failed', 'broken'],
    messageRegex: anywhere('Cannot start:|settings were refused'),
  },
  {
    name: 'Skipped: credential not configured',
    description: 'The check needs a key or signing account that was not given (AUTH-08, SIGN-*); configure it to run the check.',
    matchedStatuses: ['skipped'],
    messageRegex: anywhere('CARDPLUSPAY_[A-Z_]+ is not set'),
  },
  {
    name: 'Contract violations',
    description: 'The target answered, and the answer breaks a requirement (an assertion failed): the attached redacted exchange shows how.',
    matchedStatuses: ['failed'],
    // Every check of the contract is an expect(); its message always carries the matcher.
    messageRegex: anywhere('expect(?:\\.soft)?\\(|toPass'),
  },
  {
    name: 'Errors outside an assertion',
    description:
      'The test stopped on an error, not a failed check: a guard refused a request, or a helper met an answer it could not handle. Read the message before blaming the target.',
    matchedStatuses: ['failed', 'broken'],
  },
  {
    name: 'Skipped: not applicable to this target',
    description: 'The target offers nothing to check here (no order to look up, a setting that turns the check off).',
    matchedStatuses: ['skipped'],
  },
];
