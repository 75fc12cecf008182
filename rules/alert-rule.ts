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
  /** `"alert":{...}` rendered once, appended to every alert record of this rule. */
  readonly eveAlert: string;
}

export function makeAlertRule(r: Omit<AlertRule, 'eveAlert'>): AlertRule {
  const eveAlert =
    `"alert":{"action":${JSON.stringify(r.action)},"gid":${r.gid},"signature_id":${r.sid},"rev":${r.rev},` +
    `"signature":${JSON.stringify(r.signature)},"category":${JSON.stringify(r.category)},"severity":${r.severity}}`;
  return { ...r, eveAlert };
}
