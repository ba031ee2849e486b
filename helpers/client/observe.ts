/** The report step of a check that observes rather than asserts an exchange (transport, challenge lifetime). */
import { test } from '@playwright/test';
import { redactor } from '../redact';

/**
 * Makes what a transport check saw visible: an `observed` annotation (the HTML report, JUnit
 * properties, an Allure step) and an attachment with the details. Everything passes the redactor.
 */
export async function observe(summary: string, details?: string): Promise<void> {
  const info = test.info();
  const line = redactor.redact(summary);
  info.annotations.push({ type: 'observed', description: line });
  await info.attach('observed', { body: redactor.redact(details ? `${line}\n\n${details}` : `${line}\n`), contentType: 'text/plain' });
}
