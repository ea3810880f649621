import type { AlertKind } from './alert-spec';

// Alert rules and their state outside the server: React props and the admin overview's
// snapshot (pushed over Socket.IO). Plain JSON only; safe to import from the browser.

export interface AlertChannels {
  email: boolean;
  webhook: boolean;
}

export interface AlertRuleView {
  id: string;
  name: string;
  kind: AlertKind;
  /** failure_rate */
  taskType: string | null;
  /** oldest_waiting, no_worker */
  queue: string | null;
  windowMinutes: number | null;
  /** Percent (failure_rate), seconds (oldest_waiting); null for no_worker. */
  threshold: number | null;
  minTasks: number | null;
  channels: AlertChannels;
  cooldownMinutes: number;
  enabled: boolean;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** "Failure rate of report.generate over 15 min ≥ 20 % (at least 5 tasks)". */
  description: string;
  /** The open incident, while the rule fires. */
  firing: FiringState | null;
}

export interface FiringState {
  incidentId: string;
  since: string;
  /** The figure at the last evaluation, in the rule's unit. */
  lastValue: number | null;
  lastNotifiedAt: string | null;
}

/** A firing alert on the admin overview. */
export interface FiringAlertView extends FiringState {
  ruleId: string;
  name: string;
  kind: AlertKind;
  description: string;
  /** "42 %", "3 min 20 s", "no live worker". */
  valueText: string;
}
