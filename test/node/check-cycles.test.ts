import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = join(import.meta.dirname, "../../scripts/check-cycles.mjs");

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cycles-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe("the import-cycle check npm test runs", () => {
  it("passes the product's src/", async () => {
    const { stdout } = await run("node", [script, "src"]);
    expect(stdout).toMatch(/^No import cycles among \d+ files/);
  });

  it("fails on a loop that closes through a type-only import, naming its files", async () => {
    const dir = await tree({
      "a.ts": 'import { b } from "./b";\nexport const a = b;\n',
      "b.ts": 'import type { C } from "./c";\nexport const b: C = 1;\n',
      "c.ts": 'import type { a } from "./a";\nexport type C = typeof a;\n',
      "d.ts": 'import { a } from "./a";\nexport const d = a;\n',
    });
    const failure = await run("node", [script, dir]).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    const { stderr } = failure as { stderr: string };
    expect(stderr).toMatch(/a\.ts ↔ .*b\.ts ↔ .*c\.ts/);
    expect(stderr).not.toContain("d.ts");
  });
});
