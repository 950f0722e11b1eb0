/**
 * Project plugins for PostGraphile v5.
 *
 * TaskUpdatesPlugin: `subscription { taskUpdated(taskId) { event task { … } execution { … } } }`
 * over websockets. The database notifies `graphql:task:<task_id>` (trigger _900_notify) when a
 * task's prompt, status or schedule changes and when one of its executions changes. The task and
 * execution are then read like any other query — as the subscriber, under RLS — so a subscriber
 * who may not see the task gets nulls.
 */
import { extendSchema, gql } from "postgraphile/utils";
import { context, lambda, listen } from "postgraphile/grafast";
import { jsonParse } from "postgraphile/@dataplan/json";

interface TaskEvent {
  event: string;
  task_id: string;
  execution_id: string | null;
}

export const TaskUpdatesPlugin = extendSchema((build) => {
  const { scheduled_tasks: tasks, task_executions: executions } = build.input.pgRegistry.pgResources;
  if (!tasks || !executions) throw new Error("TaskUpdatesPlugin: scheduled_tasks / task_executions not found");
  return {
    typeDefs: gql`
      type TaskUpdatedPayload {
        "task_updated, execution_updated or execution_updated_deleted"
        event: String!
        task: ScheduledTask
        execution: TaskExecution
      }
      extend type Subscription {
        "Prompt, status, schedule and execution changes of one task, as they happen."
        taskUpdated(taskId: UUID!): TaskUpdatedPayload
      }
    `,
    objects: {
      Subscription: {
        plans: {
          taskUpdated: {
            subscribePlan(_$root, { $taskId }) {
              const $pgSubscriber = context().get("pgSubscriber");
              const $topic = lambda($taskId, (id) => `graphql:task:${String(id)}`);
              return listen($pgSubscriber, $topic, jsonParse);
            },
            plan($event) {
              return $event;
            },
          },
        },
      },
      TaskUpdatedPayload: {
        plans: {
          event($event) {
            return lambda($event, (e) => (e as TaskEvent).event);
          },
          task($event) {
            return tasks.get({ task_id: lambda($event, (e) => (e as TaskEvent).task_id) });
          },
          execution($event) {
            return executions.get({ execution_id: lambda($event, (e) => (e as TaskEvent).execution_id) });
          },
        },
      },
    },
  };
});

export const ProjectPlugins: GraphileConfig.Plugin[] = [TaskUpdatesPlugin];
