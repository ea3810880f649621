// One line per query plan, for benchmark output: the nodes from the top down to the scans,
// with the index each scan uses, so index use (or its absence) is visible at a glance.

export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

export interface ExplainOutput {
  Plan: PlanNode;
  'Execution Time'?: number;
}

function describeNode(node: PlanNode): string {
  const target = node['Index Name'] ?? node['Relation Name'];
  const rows =
    node['Actual Rows'] === undefined
      ? ''
      : ` rows=${node['Actual Rows'] * (node['Actual Loops'] ?? 1)}`;
  return `${node['Node Type']}${target ? ` ${target}` : ''}${rows}`;
}

/** `Limit > Index Scan tasks_status_created_idx rows=51`; branches in parentheses. */
export function describePlan(node: PlanNode): string {
  const children = node.Plans ?? [];
  if (children.length === 0) return describeNode(node);
  if (children.length === 1) return `${describeNode(node)} > ${describePlan(children[0]!)}`;
  return `${describeNode(node)} (${children.map(describePlan).join(' | ')})`;
}

/** Whether any scan in the plan reads the whole table. */
export function hasSeqScan(node: PlanNode): boolean {
  return node['Node Type'] === 'Seq Scan' || (node.Plans ?? []).some(hasSeqScan);
}
