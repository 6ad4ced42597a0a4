export const WORKSPACE_KEY_PREFIX = 'b44k_';
export const SERVICE_KEY_PREFIX = 'b44s_';
