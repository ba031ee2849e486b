/**
 * Allure 3's settings for `npm run report` and for CI's merged report (`allure generate` finds this
 * file in the repository root). The awesome report groups tests by area (epic) and requirement
 * (feature), sorts what did not pass into the suite's categories, and appends each generation to
 * a local history file so trends show across runs.
 */
import { defineConfig } from 'allure';
import { REPORT_CATEGORIES } from './helpers/reporting/categories';

export default defineConfig({
  name: 'CardPlusPay conformance',
  output: './reports/allure-report',
  // One JSON line per generation; kept across runs (`npm run conformance` never deletes it) and
  // carried between CI runs by the workflow's cache. Delete the file to start the trend afresh.
  historyPath: './reports/history/allure-history.jsonl',
  historyLimit: 30,
  plugins: {
    awesome: {
      options: {
        reportName: 'CardPlusPay conformance',
        singleFile: true,
        reportLanguage: 'en',
        groupBy: ['epic', 'feature'],
      },
    },
  },
  categories: {
    rules: [
      // The requirement matrix is a result of its own: its verdict is not a test's failure.
      { id: 'verdict', name: 'Conformance verdict (requirement matrix)', matchers: { labels: { tag: '^verdict$' } }, groupByMessage: false },
      ...REPORT_CATEGORIES.map(({ name, matchedStatuses, messageRegex }) => ({ name, matchedStatuses, ...(messageRegex ? { messageRegex } : {}) })),
    ],
  },
});
