import * as z from 'zod/mini';

// Settings the person gives a connection (a Salesforce login host, a Typeform API host): checked
// against the fields the provider's entry declares, the same way by the server (a 422) and by the
// CLI (an error at the line of the connector file).

/** At most this many settings per connector, each value at most this long. */
export const MAX_CONNECTION_SETTINGS = 32;
export const MAX_SETTING_LENGTH = 256;

/** The settings of one connection as a request or a connector file carries them: names to strings. */
export const ConnectionSettings = z
  .record(
    z.string().check(z.minLength(1), z.maxLength(64)),
    z.string().check(z.maxLength(MAX_SETTING_LENGTH)),
  )
  .check(
    z.refine((settings) => Object.keys(settings).length <= MAX_CONNECTION_SETTINGS, {
      message: `holds more than ${MAX_CONNECTION_SETTINGS} settings`,
    }),
  );
export type ConnectionSettings = z.infer<typeof ConnectionSettings>;

/** A setting's validation_pattern as a whole-value match: `^…$` around it, whatever it writes itself. */
export function settingPattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

/** Whether a pattern is one this server can use: it compiles as a regular expression. */
export function isUsablePattern(pattern: string): boolean {
  try {
    settingPattern(pattern);
    return true;
  } catch {
    return false;
  }
}

/** What a check of settings needs to know of a declared field (the wire's ConnectionConfigField). */
export interface DeclaredSetting {
  name: string;
  description: string;
  required: boolean;
  validation_pattern?: string | undefined;
  validation_error?: string | undefined;
}

export interface SettingProblem {
  /** The setting, as the request or the file names it. */
  name: string;
  message: string;
}

/**
 * What is wrong with the settings given for a connector: a name it does not declare, a required
 * one missing, a value its pattern refuses. Empty when they are fine.
 */
export function settingProblems(
  fields: readonly DeclaredSetting[],
  settings: Readonly<Record<string, string>>,
): SettingProblem[] {
  const byName = new Map(fields.map((field) => [field.name, field]));
  const problems: SettingProblem[] = [];
  for (const [name, value] of Object.entries(settings)) {
    const field = byName.get(name);
    if (!field) {
      const known = fields.map((declared) => `"${declared.name}"`).join(', ');
      problems.push({ name, message: `is not a setting of this connector (${known || 'it has none'})` });
    } else if (
      field.validation_pattern !== undefined &&
      !settingPattern(field.validation_pattern).test(value)
    ) {
      problems.push({ name, message: field.validation_error ?? `must match ${field.validation_pattern}` });
    }
  }
  for (const field of fields) {
    if (field.required && settings[field.name] === undefined)
      problems.push({ name: field.name, message: `is required (${field.description})` });
  }
  return problems;
}

/** `{connection_config.<name>}` in an endpoint URL of a catalog entry: filled from the connection's settings. */
const SETTING_PLACEHOLDER = /\{connection_config\.([^{}]*)\}/g;

/** The settings a URL template names, in order, repeats included. */
export function settingsNamedIn(template: string): string[] {
  return [...template.matchAll(SETTING_PLACEHOLDER)].map((match) => match[1] ?? '');
}

/** The template with each placeholder replaced by `valueFor(name)`. */
export function fillSettings(template: string, valueFor: (name: string) => string): string {
  return template.replace(SETTING_PLACEHOLDER, (_placeholder, name: string) => valueFor(name));
}
