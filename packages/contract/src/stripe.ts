/**
 * Stripe is a connector type of its own: the Base44 cloud connects it without OAuth scopes, and
 * servers do not list it among the available integrations. A connector file may name it all the same.
 */
export const STRIPE_TYPE = 'stripe';
