// The entry Allure imports for offline-report-plugin.ts (see there): Allure loads plugins with
// Node's import(), which cannot read TypeScript on Node 20, so this loads it through tsx.
import { tsImport } from 'tsx/esm/api';

const { OfflineReportPlugin } = await tsImport('./offline-report-plugin.ts', import.meta.url);
export default OfflineReportPlugin;
