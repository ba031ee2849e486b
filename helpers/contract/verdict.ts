/**
 * The run's verdict (docs/interface.md), shared by the summary that gives it and the mock's fault
 * catalogue that states which one each fault must produce.
 */

/** conforms (exit status 0), does-not-conform (1), could-not-judge (3). */
export type Verdict = 'conforms' | 'does-not-conform' | 'could-not-judge';
