#!/usr/bin/env node
// Fails when any two files under src/ import each other, directly or around a loop. Type-only imports
// count too: a cycle that closes through types still means neither file can be read without the other.
// A small script instead of madge: the project's imports are plain relative ES specifiers, and this keeps
// a dozen transitive dependencies out of `npm ci`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(process.argv[2] ?? "src");
const importPattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']/g;

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}

function resolveSpecifier(from, specifier) {
  const base = resolve(dirname(from), specifier).replace(/\.js$/, "");
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return undefined;
}

const graph = new Map();
for (const file of sourceFiles(root)) {
  const text = readFileSync(file, "utf8");
  const targets = new Set();
  for (const match of text.matchAll(importPattern)) {
    const target = resolveSpecifier(file, match[1]);
    if (target) targets.add(target);
  }
  graph.set(file, [...targets]);
}

// Tarjan's strongly connected components: every component with more than one file is a cycle.
let index = 0;
const indices = new Map();
const lowlinks = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function connect(node) {
  indices.set(node, index);
  lowlinks.set(node, index);
  index++;
  stack.push(node);
  onStack.add(node);
  for (const next of graph.get(node) ?? []) {
    if (!indices.has(next)) {
      connect(next);
      lowlinks.set(node, Math.min(lowlinks.get(node), lowlinks.get(next)));
    } else if (onStack.has(next)) {
      lowlinks.set(node, Math.min(lowlinks.get(node), indices.get(next)));
    }
  }
  if (lowlinks.get(node) === indices.get(node)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfImport = (graph.get(node) ?? []).includes(node);
    if (component.length > 1 || selfImport) cycles.push(component);
  }
}
for (const node of graph.keys()) if (!indices.has(node)) connect(node);

const cwd = process.cwd();
if (cycles.length > 0) {
  console.error(`Import cycles in ${relative(cwd, root)}/ (${cycles.length}):`);
  for (const cycle of cycles) {
    const files = cycle.map((file) => relative(cwd, file)).sort();
    console.error(`  ${files.join(" ↔ ")}`);
  }
  process.exit(1);
}
console.log(`No import cycles among ${graph.size} files in ${relative(cwd, root)}/.`);
