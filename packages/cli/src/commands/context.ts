import { Credentials } from '../core/credentials.js';
import type { CliEnvironment } from '../core/environment.js';
import { ApiClient } from '../core/http.js';
import { createOutput, type Output } from '../ui/output.js';

declare const __CLI_VERSION__: string | undefined;

/** What every command gets: its surroundings, where to write, and a client for the server. */
export interface CommandContext {
  environment: CliEnvironment;
  output: Output;
  client: ApiClient;
  credentials: Credentials;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

export function createContext(
  environment: CliEnvironment,
  process: NodeJS.Process,
  json: boolean,
): CommandContext {
  const userAgent = `base44-connectors-cli/${typeof __CLI_VERSION__ === 'string' ? __CLI_VERSION__ : 'dev'}`;
  const http = { userAgent, timeoutMs: environment.requestTimeoutMs };
  const credentials = new Credentials(
    environment,
    Date.now,
    new ApiClient(environment.apiUrl, undefined, http),
  );
  return {
    environment,
    output: createOutput(
      { stdout: process.stdout, stderr: process.stderr },
      { json, color: environment.color },
    ),
    client: new ApiClient(environment.apiUrl, credentials, http),
    credentials,
    stdin: process.stdin,
    stdout: process.stdout,
  };
}
