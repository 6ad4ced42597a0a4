import { SLACK_SCRIPTS } from './providers/slack.js';
import { describeConformance } from './support/connection-life.js';

describeConformance(SLACK_SCRIPTS);
