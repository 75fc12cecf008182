// What an alert says about the rule that raised it, with its EVE `alert` object rendered once at compile time.

export interface AlertRule {
  gid: number;
  sid: number;
  rev: number;
  signature: string;
  /** One of the stable kwire categories (control-plane-exposure, disallowed-port, metadata-api, ...). */
  category: string;
  /** 1 (high) to 4 (informational), as Suricata. */
  severity: number;
  action: 'allowed' | 'blocked';
  /** Suricata-style `alert.metadata`: name → values (kwire_rule: the policy rule's name). */
  metadata?: Record<string, string[]>;
  /** `"alert":{...}` rendered once, appended to every alert record of this rule. */
  readonly eveAlert: string;
}

export function makeAlertRule(r: Omit<AlertRule, 'eveAlert'>): AlertRule {
  const eveAlert =
    `"alert":{"action":${JSON.stringify(r.action)},"gid":${r.gid},"signature_id":${r.sid},"rev":${r.rev},` +
    `"signature":${JSON.stringify(r.signature)},"category":${JSON.stringify(r.category)},"severity":${r.severity}` +
    (r.metadata ? `,"metadata":${JSON.stringify(r.metadata)}` : '') + '}';
  return { ...r, eveAlert };
}

/** The rule's `"alert":{...}` with a per-alert metadata entry added (e.g. a redacted match). */
export function eveAlertWith(rule: AlertRule, key: string, value: string): string {
  const meta = { ...rule.metadata, [key]: [value] };
  const base = rule.eveAlert;
  const i = base.indexOf(',"metadata":');
  const head = i >= 0 ? base.slice(0, i) : base.slice(0, -1);
  return `${head},"metadata":${JSON.stringify(meta)}}`;
}
