import type { Command } from 'commander';
import { defineCommand, type Invoke } from '../define.js';

export const logoutCommand = (invoke: Invoke): Command =>
  defineCommand('logout', invoke, async () => (await import('./logout.js')).logout).description(
    'forget the stored login',
  );
