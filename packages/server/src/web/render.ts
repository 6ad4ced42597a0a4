import { Eta } from 'eta';
import * as templates from './templates.js';

export type PageName = 'signIn' | 'enterCode' | 'confirm' | 'done' | 'problem' | 'connected' | 'startLink';

/** Renders the server's pages; every interpolated value is HTML-escaped. */
export function createPageRenderer(): (page: PageName, data: Record<string, unknown>) => string {
  const eta = new Eta({ autoEscape: true, cache: true });
  for (const [name, source] of Object.entries(templates)) eta.loadTemplate(`@${name}`, source);
  return (page, data) => eta.render(`@${page}`, data);
}
