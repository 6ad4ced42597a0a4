import type { interactionPolicy as InteractionPolicy, KoaContextWithOIDC } from 'oidc-provider';

type PolicyModule = typeof InteractionPolicy;
type Answerable = 'login' | 'consent';

/** Whether this authorization request's own interaction has already answered the prompt. */
function answered(ctx: KoaContextWithOIDC, prompt: Answerable): boolean {
  return ctx.oidc.result?.[prompt] !== undefined;
}

/**
 * oidc-provider's default policy, plus: every authorization request asks for the account and for consent,
 * even when the browser already has a sandbox session or an earlier grant. Each connection a person makes
 * through the sandbox then names its own account and shows its own scopes, and gets a grant of its own.
 */
export function everyRequestInteracts(policy: PolicyModule): InteractionPolicy.DefaultPolicy {
  const { Check, base } = policy;
  const prompts = base();
  const askUnlessAnswered = (prompt: Answerable, error: string) =>
    new Check(
      `sandbox_${prompt}_every_time`,
      `the sandbox asks for ${prompt} on every request`,
      error,
      (ctx) => (answered(ctx, prompt) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT),
    );

  prompts.get('login')?.checks.add(askUnlessAnswered('login', 'login_required'), 0);
  prompts.get('consent')?.checks.add(askUnlessAnswered('consent', 'consent_required'), 0);
  return prompts;
}
