/**
 * Allure 3's settings for `npm run report` and for CI's merged report (`allure generate` finds this
 * file in the repository root). `npm run report` reads the suite's reports/allure-results/ and the
 * client checker's reports/client-allure-results/ (either may be missing). The awesome report groups tests by area (epic) and requirement
 * (feature), sorts what did not pass into the suite's categories, and appends each generation to
 * a local history file so trends show across runs. Every report built through this file, by
 * `npm run report` or by `npx allure generate|open|serve|watch --config allurerc.ts`, is stripped of
 * Allure's analytics by the plugin withOfflineReport adds after the report plugins (SAFE-09).
 */
import { defineConfig } from 'allure';
import { REPORT_CATEGORIES } from './helpers/reporting/categories';
import { withOfflineReport } from './helpers/reporting/offline-report-plugin';

export default defineConfig({
  name: 'CardPlusPay conformance',
  output: './reports/allure-report',
  // One JSON line per generation; kept across runs (`npm run conformance` never deletes it) and
  // carried between CI runs by the workflow's cache. Delete the file to start the trend afresh.
  historyPath: './reports/history/allure-history.jsonl',
  historyLimit: 30,
  plugins: withOfflineReport({
    awesome: {
      options: {
        reportName: 'CardPlusPay conformance',
        singleFile: true,
        reportLanguage: 'en',
        groupBy: ['epic', 'feature'],
      },
    },
  }),
  categories: {
    rules: [
      // The requirement matrix is a result of its own: its verdict is not a test's failure.
      { id: 'verdict', name: 'Conformance verdict (requirement matrix)', matchers: { labels: { tag: '^verdict$' } }, groupByMessage: false },
      // The client checker's results (reports/client-allure-results/): a client's verdict, not the target's.
      {
        id: 'client',
        name: "A client's side of the contract (npm run mock -- --check-client)",
        matchers: { labels: { tag: '^client$' } },
        groupByMessage: false,
      },
      ...REPORT_CATEGORIES.map(({ name, matchedStatuses, messageRegex }) => ({ name, matchedStatuses, ...(messageRegex ? { messageRegex } : {}) })),
    ],
  },
});
