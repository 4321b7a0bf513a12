import { parseArgs } from "node:util";
import { parseFlakyRate } from "../flaky/index";
import { startNemoSim } from "./server";

/** `npm run sim:nemo -- --port 9101 [--dialect typed|adk] [--render-shape r1|r2] [--time-scale 0.1] [--seed 1] [--flaky 0.02]` */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9101" },
    dialect: { type: "string", default: "adk" },
    "render-shape": { type: "string", default: "r1" },
    "time-scale": { type: "string", default: "1" },
    seed: { type: "string" },
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
const seed = values.seed === undefined ? undefined : Number(values.seed);

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
  ...(seed === undefined ? {} : { seed }),
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
