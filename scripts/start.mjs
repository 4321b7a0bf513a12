// `npm start`: runs the whole bot locally (scripts/local-stack.ts) through tsx's loader, in this process,
// so Ctrl-C reaches it directly and it stops everything it started.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./local-stack.ts");
const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
