import { Eta } from 'eta';
import * as templates from './dashboard-templates.js';

export type DashboardPage = 'signIn' | 'apps' | 'app' | 'remove' | 'problem';

/** Renders the dashboard's pages; every interpolated value is HTML-escaped. */
export function createDashboardRenderer(): (page: DashboardPage, data: Record<string, unknown>) => string {
  const eta = new Eta({ autoEscape: true, cache: true });
  for (const [name, source] of Object.entries(templates)) eta.loadTemplate(`@${name}`, source);
  return (page, data) => eta.render(`@${page}`, data);
}
