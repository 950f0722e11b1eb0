/**
 * Notification emails: one template gives the plain-text and the HTML body (the HTML is the same lines, escaped),
 * sent through SMTP with nodemailer (SMTP_URL, EMAIL_FROM; off when SMTP_URL is unset).
 */
import nodemailer, { type Transporter } from "nodemailer";

export interface NotificationEmail {
  notification_id: string;
  to: string;
  kind: string;
  title: string;
  summary: string;
  diff: string | null;
  created_at: string;
  task_id: string | null;
  execution_id: string | null;
  task_name: string | null;
  account_name: string | null;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

type Block = { kind: "p"; text: string } | { kind: "pre"; text: string } | { kind: "small"; text: string };

/** The template: a list of blocks, rendered twice. */
function blocks(n: NotificationEmail, publicUrl: string | undefined): Block[] {
  const out: Block[] = [{ kind: "p", text: n.summary }];
  if (n.diff) out.push({ kind: "p", text: "What changed since the previous run:" }, { kind: "pre", text: n.diff.slice(0, 4000) });
  const where = [
    n.account_name ? `Account: ${n.account_name}` : null,
    n.task_id ? `Task: ${n.task_name ?? ""} (${n.task_id})` : null,
    n.execution_id ? `Execution: ${n.execution_id}` : null,
  ]
    .filter(Boolean)
    .join("\n");
  if (where) out.push({ kind: "pre", text: where });
  if (publicUrl && n.task_id) out.push({ kind: "p", text: `Open: ${publicUrl.replace(/\/+$/, "")}/api/tasks/${n.task_id}/executions` });
  out.push({
    kind: "small",
    text: "You get this email because your account's notification policy asked for it. To stop notification emails: mutation { setEmailNotifications(input: { enabled: false }) { clientMutationId } } (the in-app inbox keeps everything).",
  });
  return out;
}

export function renderNotificationEmail(n: NotificationEmail, publicUrl?: string): RenderedEmail {
  const b = blocks(n, publicUrl);
  const text = [n.title, "", ...b.map((x) => x.text + "\n")].join("\n").trimEnd() + "\n";
  const html =
    `<!doctype html><html><body style="font-family:sans-serif">` +
    `<h2>${escapeHtml(n.title)}</h2>` +
    b
      .map((x) =>
        x.kind === "pre"
          ? `<pre style="background:#f6f8fa;padding:8px">${escapeHtml(x.text)}</pre>`
          : x.kind === "small"
            ? `<p style="color:#666;font-size:small">${escapeHtml(x.text)}</p>`
            : `<p>${escapeHtml(x.text).replace(/\n/g, "<br>")}</p>`,
      )
      .join("") +
    `</body></html>`;
  return { subject: `[Scheduled tasks] ${n.title}`, text, html };
}

export function makeMailer(smtpUrl: string, timeoutMs = 15_000): Transporter {
  return nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as never);
}
