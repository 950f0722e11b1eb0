/**
 * The named GraphQL operations behind the REST routes. Each is its own document (the
 * per-document token limit applies to them like to any client's) and is parsed and validated
 * once, by the same grafserv instance that serves /graphql.
 *
 * The fragments select exactly the fields a REST response carries; snakeKeys (src/http/rest/router.ts) turns
 * their camelCase keys into the plan's snake_case.
 */

const TASK = /* GraphQL */ `
  fragment RestTask on ScheduledTask {
    taskId
    accountId
    sourceThreadId
    agentId
    name
    description
    generatedPrompt
    originalMessageCount
    isScheduled
    scheduleType
    scheduledAt
    cronExpression
    timezone
    lastExecutedAt
    nextExecutionAt
    executionCount
    maxExecutions
    status
    metadata
    promptStatus
    promptError
    promptSource
    promptGeneratedAt
    needsReview
    reviewReasons
    missedCount
    overlapPolicy
    scheduleDescription
    suggestedSchedule
    notifyOn
    notifyOverdue
    failureThreshold
    runMemory
    consecutiveFailures
    pausedReason
    createdAt
    updatedAt
  }
`;

const NOTIFICATION = /* GraphQL */ `
  fragment RestNotification on Notification {
    notificationId
    accountId
    taskId
    executionId
    kind
    title
    summary
    diff
    details
    readAt
    emailedAt
    createdAt
  }
`;

const EXECUTION = /* GraphQL */ `
  fragment RestExecution on TaskExecution {
    executionId
    taskId
    status
    triggerType
    scheduledFor
    startedAt
    completedAt
    errorMessage
    executionContext
    results
    attempts
    threadId
    agentRunId
    createdAt
    updatedAt
  }
`;

export const OPERATIONS = {
  ExportThread: /* GraphQL */ `
    mutation ExportThread($threadId: UUID!, $taskName: String, $taskDescription: String) {
      exportThread(input: { threadId: $threadId, taskName: $taskName, taskDescription: $taskDescription }) {
        result {
          ...RestTask
        }
      }
    }
    ${TASK}
  `,
  ListTasks: /* GraphQL */ `
    query ListTasks($condition: ScheduledTaskCondition, $orderBy: [ScheduledTaskOrderBy!], $first: Int!, $offset: Int!) {
      allScheduledTasks(condition: $condition, orderBy: $orderBy, first: $first, offset: $offset) {
        totalCount
        nodes {
          ...RestTask
        }
      }
    }
    ${TASK}
  `,
  GetTask: /* GraphQL */ `
    query GetTask($taskId: UUID!) {
      scheduledTaskByTaskId(taskId: $taskId) {
        ...RestTask
        originalMessages
      }
    }
    ${TASK}
  `,
  UpdateTask: /* GraphQL */ `
    mutation UpdateTask($taskId: UUID!, $patch: ScheduledTaskPatch!) {
      updateScheduledTaskByTaskId(input: { taskId: $taskId, scheduledTaskPatch: $patch }) {
        scheduledTask {
          ...RestTask
        }
      }
    }
    ${TASK}
  `,
  DeleteTask: /* GraphQL */ `
    mutation DeleteTask($taskId: UUID!) {
      deleteScheduledTaskByTaskId(input: { taskId: $taskId }) {
        deletedScheduledTaskId
      }
    }
  `,
  ScheduleTask: /* GraphQL */ `
    mutation ScheduleTask(
      $taskId: UUID!
      $scheduleType: String!
      $scheduledAt: Datetime
      $cronExpression: String
      $timezone: String
      $maxExecutions: Int
    ) {
      scheduleTask(
        input: {
          taskId: $taskId
          scheduleType: $scheduleType
          scheduledAt: $scheduledAt
          cronExpression: $cronExpression
          timezone: $timezone
          maxExecutions: $maxExecutions
        }
      ) {
        result {
          ...RestTask
        }
      }
    }
    ${TASK}
  `,
  ExecuteTask: /* GraphQL */ `
    mutation ExecuteTask($taskId: UUID!, $reason: String) {
      executeTask(input: { taskId: $taskId, reason: $reason }) {
        result {
          ...RestExecution
        }
      }
    }
    ${EXECUTION}
  `,
  PauseTask: /* GraphQL */ `
    mutation PauseTask($taskId: UUID!) {
      pauseTask(input: { taskId: $taskId }) {
        result {
          ...RestTask
        }
      }
    }
    ${TASK}
  `,
  ResumeTask: /* GraphQL */ `
    mutation ResumeTask($taskId: UUID!) {
      resumeTask(input: { taskId: $taskId }) {
        result {
          ...RestTask
        }
      }
    }
    ${TASK}
  `,
  ParseSchedule: /* GraphQL */ `
    query ParseSchedule($text: String!, $timezone: String, $now: Datetime, $count: Int) {
      parseSchedule(text: $text, timezone: $timezone, now: $now, count: $count) {
        status
        spec {
          scheduleType
          scheduledAt
          cronExpression
          timezone
          maxExecutions
        }
        description
        occurrences
        refusal
        reason
        question
        used
        assumed
        source
      }
    }
  `,
  ListExecutions: /* GraphQL */ `
    query ListExecutions($taskId: UUID!, $first: Int!, $offset: Int!) {
      scheduledTaskByTaskId(taskId: $taskId) {
        taskExecutionsByTaskId(orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC], first: $first, offset: $offset) {
          totalCount
          nodes {
            ...RestExecution
          }
        }
      }
    }
    ${EXECUTION}
  `,
  ListNotifications: /* GraphQL */ `
    query ListNotifications($condition: NotificationCondition, $first: Int!, $offset: Int!) {
      allNotifications(condition: $condition, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC], first: $first, offset: $offset) {
        totalCount
        nodes {
          ...RestNotification
        }
      }
      unreadNotificationCount
    }
    ${NOTIFICATION}
  `,
  MarkNotificationRead: /* GraphQL */ `
    mutation MarkNotificationRead($notificationId: UUID!) {
      markNotificationRead(input: { notificationId: $notificationId }) {
        result {
          ...RestNotification
        }
      }
    }
    ${NOTIFICATION}
  `,
  MarkAllNotificationsRead: /* GraphQL */ `
    mutation MarkAllNotificationsRead {
      markAllNotificationsRead(input: {}) {
        result
      }
    }
  `,
  UpdateAccountNotifications: /* GraphQL */ `
    mutation UpdateAccountNotifications($accountId: UUID!, $patch: AccountPatch!) {
      updateAccountByRowId(input: { rowId: $accountId, accountPatch: $patch }) {
        account {
          rowId
          notifyOn
          notifyOverdue
        }
      }
    }
  `,
} as const;

export type OperationName = keyof typeof OPERATIONS;
