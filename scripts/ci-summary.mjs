#!/usr/bin/env node
// Prints one plain closing line for the whole run from the Vitest and Playwright JSON reports:
// "tests: N passed, N failed" — and fails when a report is missing or counted nothing.
import fs from 'node:fs';

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const unit = read('test-reports/unit.json');
const e2e = read('test-reports/e2e.json');
if (!unit || !e2e) {
  console.error(
    'ci-summary: a test report is missing (test-reports/unit.json, test-reports/e2e.json)',
  );
  process.exit(1);
}
const unitPassed = unit.numPassedTests;
const unitFailed = unit.numFailedTests;
const e2ePassed = e2e.stats.expected;
const e2eFailed = e2e.stats.unexpected + e2e.stats.flaky;
const e2eSkipped = e2e.stats.skipped;
console.log(`unit: ${unitPassed} passed, ${unitFailed} failed`);
console.log(
  `e2e: ${e2ePassed} passed, ${e2eFailed} failed${e2eSkipped ? `, ${e2eSkipped} skipped` : ''}`,
);
const passed = unitPassed + e2ePassed;
const failed = unitFailed + e2eFailed;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && unitPassed > 0 && e2ePassed > 0 ? 0 : 1);
