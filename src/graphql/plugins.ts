/**
 * Project plugins for PostGraphile v5.
 *
 * TaskUpdatesPlugin: `subscription { taskUpdated(taskId) { event task { … } execution { … } } }`
 * over websockets. The database notifies `graphql:task:<task_id>` (trigger _900_notify) when a
 * task's prompt, status or schedule changes and when one of its executions changes. The task and
 * execution are then read like any other query — as the subscriber, under RLS. Subscribing to a
 * task the subscriber cannot see (another tenant's, or anonymously) is refused with ST001 before
 * anything is listened to, the same answer as for a task that does not exist: no event, not even
 * one with null payloads, reaches them.
 */
import { extendSchema, gql } from "postgraphile/utils";
import { context, lambda, list, listen, SafeError } from "postgraphile/grafast";
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
            subscribePlan(_$root, fieldArgs) {
              const $taskId = fieldArgs.getRaw("taskId");
              const $pgSubscriber = context().get("pgSubscriber");
              // read as the subscriber (RLS): null when the task is not theirs or does not exist
              const $visible = tasks.get({ task_id: $taskId }).get("task_id");
              const $topic = lambda(list([$taskId, $visible]), ([id, visible]) => {
                if (!visible) throw new SafeError(`task ${String(id)} not found`, { code: "ST001" });
                return `graphql:task:${String(id)}`;
              });
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

/**
 * NotificationsPlugin: `subscription { notificationAdded { event notification { … } } }`. The database notifies
 * `graphql:notifications:<user_id>` for each inbox row it writes (app_private.emit_notification); the topic is the
 * subscriber's own user id, taken from the verified JWT's claims (never from an argument), and the notification is
 * read as the subscriber, under RLS. Anonymous subscribers are refused with ST401.
 */
export const NotificationsPlugin = extendSchema((build) => {
  const { notifications } = build.input.pgRegistry.pgResources;
  if (!notifications) throw new Error("NotificationsPlugin: notifications not found");
  return {
    typeDefs: gql`
      type NotificationAddedPayload {
        "notification_added"
        event: String!
        notification: Notification
      }
      extend type Subscription {
        "Your new notifications (inbox rows), as they are written."
        notificationAdded: NotificationAddedPayload
      }
    `,
    objects: {
      Subscription: {
        plans: {
          notificationAdded: {
            subscribePlan() {
              const $pgSubscriber = context().get("pgSubscriber");
              const $topic = lambda(context().get("pgSettings"), (settings) => {
                const sub = settings?.["jwt.claims.sub"];
                if (!sub) throw new SafeError("sign in to receive notifications", { code: "ST401" });
                return `graphql:notifications:${sub}`;
              });
              return listen($pgSubscriber, $topic, jsonParse);
            },
            plan($event) {
              return $event;
            },
          },
        },
      },
      NotificationAddedPayload: {
        plans: {
          event($event) {
            return lambda($event, (e) => (e as { event: string }).event);
          },
          notification($event) {
            return notifications.get({ notification_id: lambda($event, (e) => (e as { notification_id: string }).notification_id) });
          },
        },
      },
    },
  };
});

export const ProjectPlugins: GraphileConfig.Plugin[] = [TaskUpdatesPlugin, NotificationsPlugin];
