/**
 * expire_execution: an execution handed to the external agent runtime that has not reported
 * completion within the run timeout is failed (its callback can no longer change it).
 */
import type { Task } from "graphile-worker";

export interface ExpireExecutionPayload {
  execution_id: string;
}

export function assertExecutionPayload(payload: unknown): ExpireExecutionPayload {
  const p = payload as Partial<ExpireExecutionPayload> | null;
  if (!p || typeof p.execution_id !== "string") {
    throw new Error(`expire_execution: payload must be {execution_id: uuid}, got ${JSON.stringify(payload)}`);
  }
  return { execution_id: p.execution_id };
}

export const expireExecution: Task = async (payload, helpers) => {
  const { execution_id } = assertExecutionPayload(payload);
  await helpers.query(
    "select app_private.finish_execution($1, 'failed', '{}'::jsonb, 'no completion callback from the agent runtime within the run timeout') where app_private.execution_is_live($1)",
    [execution_id],
  );
};
