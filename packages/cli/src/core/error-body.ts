import { ReceivedErrorBody } from '@base44-connectors/contract';
import { printable } from './printable.js';

/** An error answer in people's words: the message, the server's code, each field's complaint, the reason. */
export interface ErrorReading {
  message: string | undefined;
  code: string | undefined;
  /** `extra_data.errors[]` as `name: message` lines. */
  details: string[];
  /** `extra_data.reason`, a stable word the Base44 cloud sends for some refusals. */
  reason: string | undefined;
}

const MAX_MESSAGE_CHARS = 2000;

/**
 * Reads any server's error body: ours (`message`, `code`), the cloud's (`message` or `detail`, a
 * string or JSON, `extra_data.reason`, `extra_data.errors[]`), an OAuth error
 * (`error_description`), or something else entirely. Everything comes back printable.
 */
export function messageFromErrorBody(body: unknown): ErrorReading {
  // Only objects carry fields; a JSON string is itself the message.
  const parsed = ReceivedErrorBody.safeParse(body);
  const data = parsed.success ? parsed.data : undefined;
  const content =
    data?.message ??
    data?.detail ??
    data?.error_description ??
    data?.error ??
    (typeof body === 'string' ? body : undefined);
  const message =
    content === undefined || content === null || content === ''
      ? undefined
      : clip(printable(typeof content === 'string' ? content : JSON.stringify(content)));
  return {
    message,
    code: data?.code ? printable(data.code) : undefined,
    details: (data?.extra_data?.errors ?? []).map((error) =>
      clip(printable(`${error.name}: ${error.message}`)),
    ),
    reason: data?.extra_data?.reason ? printable(data.extra_data.reason) : undefined,
  };
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}
