import type { Command } from 'commander';
import { defineCommand, type Invoke } from '../define.js';

export const loginCommand = (invoke: Invoke): Command =>
  defineCommand('login', invoke, async () => (await import('./login.js')).login).description(
    'log in to the server (device code: approve in the browser)',
  );
