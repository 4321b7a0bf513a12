import { parseArgs } from "node:util";
import { parseFlakyRate } from "../flaky/index";
import { startNemoSim } from "./server";

/**
 * `npm run sim:nemo -- --port 9101 [--dialect typed|adk] [--render-shape r1|r2] [--time-scale 0.1] [--seed 1]
 *  [--silent-edit-rate 0.3] [--drift-rate 0.3] [--initial-credits 100] [--token-ip-cap 10]
 *  [--flaky 0.02]`
 */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9101" },
    dialect: { type: "string", default: "adk" },
    "render-shape": { type: "string", default: "r1" },
    "time-scale": { type: "string", default: "1" },
    seed: { type: "string" },
    "token-ip-cap": { type: "string", default: "10" },
    "silent-edit-rate": { type: "string" },
    "drift-rate": { type: "string" },
    "initial-credits": { type: "string" },
    /** Share of connections reset or stalled at random, seeded with --seed (issue 16), e.g. 0.02. */
    flaky: { type: "string" },
  },
});

function fail(message: string): never {
  console.error(`sim:nemo: ${message}`);
  process.exit(2);
}

const dialect =
  values.dialect === "typed" || values.dialect === "adk" ? values.dialect : fail("--dialect is typed or adk");
const renderShape =
  values["render-shape"] === "r1" || values["render-shape"] === "r2"
    ? values["render-shape"]
    : fail("--render-shape is r1 or r2");
const port = Number(values.port);
const timeScale = Number(values["time-scale"]);
if (!Number.isInteger(port) || port < 0) fail("--port is a port number");
if (!(timeScale > 0)) fail("--time-scale is a positive number");
const tokenIpCap = Number(values["token-ip-cap"]);
if (!Number.isInteger(tokenIpCap) || tokenIpCap < 0) fail("--token-ip-cap is a whole number");
const seed = values.seed === undefined ? undefined : Number(values.seed);
if (seed !== undefined && !Number.isInteger(seed)) fail("--seed is an integer");

/** A share between 0 and 1, when given. */
function rate(name: "silent-edit-rate" | "drift-rate"): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return value >= 0 && value <= 1 ? value : fail(`--${name} is a number from 0 to 1`);
}
const silentEditRate = rate("silent-edit-rate");
const driftRate = rate("drift-rate");
const initialCredits = values["initial-credits"] === undefined ? undefined : Number(values["initial-credits"]);
if (initialCredits !== undefined && !(Number.isInteger(initialCredits) && initialCredits >= 0)) {
  fail("--initial-credits is a whole number");
}
let flakyRate: number | undefined;
try {
  flakyRate = parseFlakyRate(values.flaky);
} catch (error) {
  fail((error as Error).message);
}

const sim = await startNemoSim({
  port,
  dialect,
  renderShape,
  timeScale,
  tokenIpCap,
  ...(seed === undefined ? {} : { seed }),
  ...(silentEditRate === undefined ? {} : { silentEditRate }),
  ...(driftRate === undefined ? {} : { driftRate }),
  ...(initialCredits === undefined ? {} : { initialCredits }),
  ...(flakyRate ? { flaky: { rate: flakyRate, ...(seed === undefined ? {} : { seed }) } } : {}),
});
console.log(
  `NemoVideo simulator listening on ${sim.url} (dialect ${dialect}, render shape ${renderShape}, time scale ${timeScale}${flakyRate ? `, flaky ${flakyRate}` : ""})`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
