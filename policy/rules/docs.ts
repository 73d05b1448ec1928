/**
 * Renders the rule reference of docs/rules.md from the rules themselves, so that the docs cannot
 * drift from the code (a test compares them). Regenerate with:
 *
 *   npx ts-node --transpile-only -e "const fs = require('fs'), f = 'docs/rules.md'; fs.writeFileSync(f, require('./policy/rules/docs').updateRulesDoc(fs.readFileSync(f, 'utf8')))"
 *
 * Pure, like the whole policy engine: text in, text out.
 */
import { HARDENED_PACK } from './hardened-pack';
import { ComplianceFramework, type ComplianceReference, type RulePack } from './types';

/** Markers around the generated part of docs/rules.md. */
export const GENERATED_BEGIN = '<!-- BEGIN GENERATED: policy/rules/docs.ts -->';
/** End marker of the generated part. */
export const GENERATED_END = '<!-- END GENERATED -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function refs(references: readonly ComplianceReference[], framework: ComplianceFramework): string {
  const list = references.filter(r => r.framework === framework)
    .map(r => `${r.title ? `${r.item} ${r.title}` : r.item}${r.partial ? ' (in part)' : ''}`);
  return list.length === 0 ? '–' : list.join('; ');
}

/** The generated Markdown: a table of every rule, then one section per rule with why and fix. */
export function renderRulesReference(pack: RulePack = HARDENED_PACK): string {
  const lines = [
    '| Id | Name | Requires | CIS Kubernetes Benchmark v1.11 | NSA/CISA Hardening Guidance v1.2 | Other source | Applies to |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of pack.rules) {
    lines.push(`| ${r.id} | \`${r.name}\` | ${cell(r.summary)} | ${cell(refs(r.references, ComplianceFramework.CIS))} | ${cell(refs(r.references, ComplianceFramework.NSA))} | ${cell(refs(r.references, ComplianceFramework.KUBERNETES) === '–' ? '–' : `Kubernetes docs: ${refs(r.references, ComplianceFramework.KUBERNETES)}`)} | ${cell(r.appliesTo)} |`);
  }
  for (const r of pack.rules) {
    lines.push('', `### ${r.id} \`${r.name}\``, '', r.summary, '', `**Why it matters.** ${r.explanation}`, '', `**Fix.** ${r.fix[0].toUpperCase()}${r.fix.slice(1)}.`);
  }
  return `${GENERATED_BEGIN}\n${lines.join('\n')}\n${GENERATED_END}`;
}

/** The generated part of a docs file's text, or undefined without markers. */
export function generatedPart(text: string): string | undefined {
  const begin = text.indexOf(GENERATED_BEGIN);
  const end = text.indexOf(GENERATED_END);
  return begin < 0 || end < begin ? undefined : text.slice(begin, end + GENERATED_END.length);
}

/** `text` (a docs file with the markers) with its generated part rendered anew from the rules. */
export function updateRulesDoc(text: string): string {
  const current = generatedPart(text);
  if (current === undefined) throw new Error(`the text has no ${GENERATED_BEGIN} ... ${GENERATED_END} markers`);
  return text.replace(current, renderRulesReference());
}
