import { WORKSPACE_SCRIPTS } from './providers/workspace.js';
import { describeConformance } from './support/connection-life.js';

describeConformance(WORKSPACE_SCRIPTS);
