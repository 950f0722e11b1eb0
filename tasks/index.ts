/**
 * The worker's task list: one file per task in this folder, file name = task identifier.
 */
import type { TaskList } from "graphile-worker";
import type { Config } from "../src/config.js";

export function taskList(_config: Config): TaskList {
  return {};
}
