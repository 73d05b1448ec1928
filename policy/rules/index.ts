/**
 * Best-practice rule packs beyond the Pod Security Standards, in the style of cdk-nag: one pure
 * rule per file, stable ids (`HARDENED-n`), a "what" and a "why" for each finding, and justified
 * exceptions. See docs/rules.md.
 *
 * @example
 *   const findings = runRulePacks(objects); // [{ rule: 'HARDENED-10', message, path, explanation, fix, objectIndex }]
 */
export * from './types';
export { createRuleContext } from './context';
export { runRulePacks, type RunRulePacksOptions } from './run';
export { HARDENED_PACK } from './hardened-pack';
export { UNPINNED_IMAGES_ANNOTATION } from './images/image-digest';
export * from './exceptions';
