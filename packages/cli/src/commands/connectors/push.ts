import type { AppliedOutcome, DesiredConnector } from '@base44-connectors/contract';
import { planChangesSomething } from '@base44-connectors/contract';
import { mayOpen, openInBrowser } from '../../core/browser.js';
import { isInteractive } from '../../core/environment.js';
import { ExitCode } from '../../core/errors.js';
import { sayOnInterrupt } from '../../core/interrupt.js';
import { printable } from '../../core/printable.js';
import { display, resolveTarget } from '../../core/project.js';
import { ConnectorsApi } from '../../core/resources/connectors/api.js';
import {
  type AuthorizationOutcome,
  awaitAuthorizations,
  describeUnfinished,
} from '../../core/resources/connectors/authorizations.js';
import {
  checkSettingsOffered,
  checkTypesOffered,
  readConnectorFiles,
} from '../../core/resources/connectors/files.js';
import {
  applyPlan,
  ConflictError,
  type Plan,
  planAgainstServer,
} from '../../core/resources/connectors/push.js';
import { pushText } from '../../ui/messages/push.js';
import type { CommandContext } from '../context.js';

export interface PushFlags {
  appId?: string;
  dir?: string;
  dryRun?: boolean;
  json?: boolean;
  yes?: boolean;
  /** Seconds to wait for the authorizations. */
  timeout?: number;
}

type Pending = Extract<AppliedOutcome, { outcome: 'needs_authorization' }>;
type Unfinished = { type: string; reason: string };

export async function push(context: CommandContext, flags: PushFlags): Promise<ExitCode> {
  const progress = new Progress();
  const stopListening = sayOnInterrupt(
    () => progress.lastWord(),
    (text) => {
      context.output.line();
      context.output.line(text);
    },
  );
  try {
    return await pushWith(context, flags, progress);
  } finally {
    stopListening();
  }
}

/** Where a push stands, for the last word when Ctrl-C interrupts it: what the server holds now. */
class Progress {
  private applying = false;
  private unsettled: Set<string> | undefined;

  startApplying(): void {
    this.applying = true;
  }

  waitingFor(types: string[]): void {
    this.unsettled = new Set(types);
  }

  settled(type: string): void {
    this.unsettled?.delete(type);
  }

  lastWord(): string | undefined {
    if (this.unsettled) {
      return this.unsettled.size > 0
        ? pushText.interruptedWhileWaiting([...this.unsettled].sort())
        : undefined;
    }
    return this.applying ? pushText.interruptedWhileApplying : pushText.interruptedBeforeApplying;
  }
}

async function pushWith(context: CommandContext, flags: PushFlags, progress: Progress): Promise<ExitCode> {
  const { environment, output } = context;
  const json = flags.json === true;
  const target = await resolveTarget(environment, flags);
  const files = await readConnectorFiles(target.connectorsDir, (path) => display(environment, path));
  const api = new ConnectorsApi(context.client, target.appId);
  const desired: DesiredConnector[] = files.map((file) => ({
    type: file.type,
    scopes: file.scopes,
    ...(file.connection_config ? { connection_config: file.connection_config } : {}),
  }));
  // The catalog and the plan in one round trip: planning changes nothing, and an unknown type or
  // setting is reported where the file names it.
  let { plan } = await planAgainstServer(api, desired, (offered, integrations) => {
    checkTypesOffered(files, offered);
    checkSettingsOffered(files, integrations);
  });
  output.line(pushText.found(desired.map((connector) => connector.type)));

  if (flags.dryRun) {
    const lines = plan.actions.map(pushText.planLine).filter((line): line is string => line !== undefined);
    for (const line of lines) output.line(line);
    if (lines.length === 0) output.line(pushText.noChanges);
    const changes = planChangesSomething(plan.actions);
    if (json) output.json({ app_id: target.appId, dry_run: true, actions: plan.actions, changes });
    return changes ? ExitCode.changesPending : ExitCode.ok;
  }

  let results: AppliedOutcome[];
  progress.startApplying();
  try {
    results = await applyPlan(api, desired, plan);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    output.line(pushText.conflict(printable(error.message)));
    plan = (await planAgainstServer(api, desired)).plan;
    results = await applyPlan(api, desired, plan);
  }
  output.line(pushText.pushed(output.paint));

  const pending = results.filter((result): result is Pending => result.outcome === 'needs_authorization');
  progress.waitingFor(pending.map((item) => item.type));
  const authorizations = await authorize(context, api, pending, flags, (type) => progress.settled(type));
  if (authorizations === 'interrupted') {
    // Ctrl-C at the question: the prompt took the key, so no signal ends the process; it ends here.
    context.output.line(progress.lastWord() ?? '');
    return ExitCode.interrupted;
  }
  const summary = summarize(results, authorizations);
  output.line();
  output.line(pushText.summary);
  if (summary.synced.length > 0) output.line(pushText.synced(summary.synced));
  if (summary.added.length > 0) output.line(pushText.added(summary.added));
  if (summary.removed.length > 0) output.line(pushText.removed(summary.removed));
  if (summary.failed.length > 0) output.line(pushText.failed(summary.failed));
  for (const claimUrl of summary.claimUrls) output.line(pushText.claimStripe(printable(claimUrl)));
  output.line(pushText.dashboard(api.dashboardUrl()));

  const failedForReal =
    results.some((result) => result.outcome === 'error') ||
    authorizations.some((a) => a.status !== 'ACTIVE' && a.status !== 'SKIPPED');
  const exitCode = failedForReal ? ExitCode.failed : ExitCode.ok;
  if (json) {
    output.json({
      app_id: target.appId,
      dry_run: false,
      actions: plan.actions,
      results,
      authorizations,
      summary,
      exit_code: exitCode,
    });
  }
  return exitCode;
}

type Authorization = AuthorizationOutcome | { type: string; status: 'SKIPPED'; reason: string };

/**
 * Shows the links; then opens them all and waits for all together, or says why it does not.
 * `interrupted` when the person pressed Ctrl-C at the question.
 */
async function authorize(
  context: CommandContext,
  api: ConnectorsApi,
  pending: Pending[],
  flags: PushFlags,
  onSettled: (type: string) => void,
): Promise<Authorization[] | 'interrupted'> {
  const { output, environment } = context;
  if (pending.length === 0) return [];
  output.line();
  output.line(pushText.needAuthorization(pending.length));
  for (const item of pending) output.line(pushText.authorizationUrl(item.type, printable(item.redirect_url)));
  output.line();

  const skipAll = (reason: string): Authorization[] =>
    pending.map((item) => ({ type: item.type, status: 'SKIPPED', reason }));
  if (!isInteractive(environment, flags.json === true)) {
    output.line(pushText.nonInteractive);
    return skipAll('authorization skipped: not interactive');
  }
  const ask = flags.yes !== true;
  const go = !ask || (await askToOpen(context));
  if (go === undefined) return 'interrupted';
  if (!go) {
    output.line();
    output.line(pushText.skipped(pending.map((item) => item.type)));
    return skipAll('authorization skipped');
  }
  if (ask) output.line();
  for (const item of pending) output.line(pushText.opening(item.type));
  const waiting = awaitAuthorizations(api.statusSource(), pending, {
    timeoutMs: (flags.timeout ?? 300) * 1000,
    onSettled: (outcome) => {
      onSettled(outcome.type);
      output.line(
        outcome.status === 'ACTIVE'
          ? pushText.completed(output.paint, outcome.type)
          : pushText.notCompleted(output.paint, outcome.type, printable(describeUnfinished(outcome))),
      );
    },
  });
  const opened = await Promise.all(pending.map((item) => openInBrowser(item.redirect_url, environment)));
  pending.forEach((item, index) => {
    if (!mayOpen(item.redirect_url, environment.apiUrl)) output.line(pushText.linkNotOpened(item.type));
    else if (!opened[index]) output.line(pushText.browserFailed(item.type));
  });
  return waiting;
}

async function askToOpen(context: CommandContext): Promise<boolean | undefined> {
  // Imported here: the prompt's library is needed only when a person is asked.
  const { confirm } = await import('../../ui/confirm.js');
  return confirm(pushText.question, { stdin: context.stdin, stdout: context.stdout });
}

function summarize(results: AppliedOutcome[], authorizations: Authorization[]) {
  const byType = new Map(authorizations.map((authorization) => [authorization.type, authorization]));
  const synced: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  const failed: Unfinished[] = [];
  const claimUrls: string[] = [];
  for (const result of results) {
    if (result.outcome === 'synced') synced.push(result.type);
    else if (result.outcome === 'removed') removed.push(result.type);
    else if (result.outcome === 'error')
      failed.push({ type: result.type, reason: printable(result.error_message) });
    else if (result.outcome === 'provisioned') {
      added.push(result.type);
      if (result.claim_url) claimUrls.push(result.claim_url);
    } else {
      const authorization = byType.get(result.type);
      if (authorization?.status === 'ACTIVE') added.push(result.type);
      else
        failed.push({
          type: result.type,
          reason: printable(
            authorization?.status === 'FAILED'
              ? (authorization.reason ?? 'authorization failed')
              : authorization && 'reason' in authorization
                ? authorization.reason
                : 'needs authorization',
          ),
        });
    }
  }
  return { synced, added, removed, failed, claimUrls };
}

export type { Plan };
