/**
 * axe-core in the page under test: `expectAccessible(page, 'images, dark, zh-CN')` runs
 * every rule axe enables by default (WCAG 2.x A and AA, and its best practices such as
 * heading-order and landmarks) on the whole page as it is now, and fails with each
 * violation's rule, impact and elements.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), {
  encoding: 'utf8',
});

/** One line per element that breaks a rule: what is wrong and where. */
export function describeViolations(violations: Result[]): string[] {
  return violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.impact ?? 'no impact'}): ${violation.help}\n` +
        `  at ${node.target.join(' ')}\n` +
        `  ${(node.failureSummary ?? '').replace(/\n/g, '\n  ')}`,
    ),
  );
}

export async function axeViolations(page: Page): Promise<Result[]> {
  // The app's Content-Security-Policy allows no inline <script> (so addScriptTag cannot
  // inject it); evaluate runs the source in the page's main world without a script element.
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    await page.evaluate(`${axeSource}\n;undefined`);
  }
  const results = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as {
      axe: { run(context: unknown, options: unknown): Promise<AxeResults> };
      document: unknown;
    };
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations;
}

/**
 * Fails the test with every violation axe finds in the page as it is now. The failure is
 * soft: the test goes on, so one run reports every state that has violations.
 */
export async function expectAccessible(page: Page, context: string): Promise<void> {
  const violations = await axeViolations(page);
  expect.soft(describeViolations(violations), `axe-core violations in ${context}`).toEqual([]);
}
