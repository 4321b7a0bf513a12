import type { Reporter, TestCase } from "vitest/node";

/**
 * Names every test that passed only on its retry, with what failed the first time, at the end of the run.
 * The node project retries once (vitest.config.ts) so a scheduling hiccup on a loaded machine does not fail
 * CI; this keeps such a flake visible, with the reason to fix it, instead of hidden by the retry.
 */
export default class RetriedReporter implements Reporter {
  private readonly retried: string[] = [];

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result();
    if (result.state !== "passed" || !testCase.diagnostic()?.flaky) return;
    const firstError = result.errors?.[0];
    const reason = (firstError?.message ?? "no error recorded").split("\n").slice(0, 3).join(" | ");
    const where = firstError?.stacks?.find((frame) => frame.file.includes("/test/"));
    const at = where ? ` (${where.file.split("/test/")[1]}:${where.line})` : "";
    this.retried.push(
      `  ${testCase.module.relativeModuleId} > ${testCase.fullName}\n    first attempt: ${reason}${at}`,
    );
  }

  onTestRunEnd(): void {
    if (this.retried.length === 0) return;
    process.stdout.write(`\nPassed only on retry (${this.retried.length}):\n${this.retried.join("\n")}\n`);
  }
}
