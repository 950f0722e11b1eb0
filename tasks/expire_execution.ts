/**
 * expire_execution: an execution handed to the external agent runtime that has not reported
 * completion within the run timeout is failed (its callback can no longer change it).
 */
import type { Task } from "graphile-worker";
import { assertRunExecutionPayload } from "./run_execution.js";

export const expireExecution: Task = async (payload, helpers) => {
  const { execution_id } = assertRunExecutionPayload(payload);
  await helpers.query(
    "select app_private.finish_execution($1, 'failed', '{}'::jsonb, 'no completion callback from the agent runtime within the run timeout') where app_private.execution_is_live($1)",
    [execution_id],
  );
};
