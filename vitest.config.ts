import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Settings every in-workerd test starts from; waits shrunk so no test sleeps for a seed-length wait. */
export const workersTestBindings = {
  BOT_TOKEN: "123456:TEST-bot-token-for-tests-only",
  WEBHOOK_SECRET: "test-webhook-secret-0123456789abcdef",
  BOT_INFO: JSON.stringify({ id: 123456, is_bot: true, first_name: "Nemo", username: "nemo_test_bot" }),
  RENDER_POLL_INTERVAL_MS: "200",
  STILL_WORKING_INTERVAL_MS: "300",
  RATE_LIMIT_WAIT_MS: "50",
  STATE_RECHECK_MS: "50",
  ALBUM_SETTLE_MS: "100",
  WATCHDOG_INTERVAL_MS: "200",
  // issue 16: retries after a transport failure, shrunk.
  ANSWER_RETRY_DELAYS_MS: "10,20",
  TRANSFER_RETRY_DELAYS_MS: "10,20",
  NEMO_READ_RETRY_DELAYS_MS: "10,20",
  OUTBOX_RETRY_MS: "100",
};

export default defineConfig({
  test: {
    // The end-to-end files mostly wait on timers and sockets, so three at a time fit on two cores.
    maxWorkers: 3,
    // A test's console lines (the Worker's JSON logs, workerd's own notes, figures a test prints) are shown
    // when that test fails, where they explain it; a passing run lists only the tests. SHOW_LOGS=1 shows all.
    // One workerd note appears only in passing tests that SIGKILL workerd mid-alarm on purpose (the restart
    // faults): "SQLite alarm overdue, running despite AlarmManager mismatch", its scheduler and its database
    // cut apart between two commits, which a deploy cannot do.
    silent: process.env.SHOW_LOGS ? false : "passed-only",
    // A test that passed only on its retry is named at the end, with its first failure (the retry is for
    // a loaded machine's hiccups, not to hide a flaky test).
    reporters: ["default", "./test/support/retried-reporter.ts"],
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: workersTestBindings },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          globalSetup: ["test/support/workers-global-setup.ts"],
          // Pre-bundle grammY with its retry plugin, resolved as wrangler resolves them for the deployed bundle.
          // Unbundled, the plugin's CommonJS `require("grammy")` took grammY's Node build (a second grammY,
          // pulling in node-fetch, whose optional "encoding" peer failed to load in every test file).
          deps: { optimizer: { ssr: { enabled: true, include: ["grammy/web", "@grammyjs/auto-retry"] } } },
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          // End-to-end tests run real servers and timers on a shared 2-core machine: one retry keeps a
          // scheduling hiccup from failing CI, while a real defect fails both attempts (and every test
          // uses its own chat, so a retry does not see the first attempt's traffic as its own).
          retry: 1,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
