/**
 * cdk8s validation plugin: runs `check` (the one policy pass: Pod Security Standards, plus any
 * rule packs given) on the manifests of `cdk8s synth`. Load it from `cdk8s.yaml` through `src/cli/validation-plugin-entry.js`;
 * see docs/validation-plugin.md.
 *
 * The contract (from cdk8s-cli `lib/plugins/validation.d.ts` and `_manager.js`): cdk8s requires the
 * module, instantiates `new <class>(properties ?? {})`, awaits `validate(context)`, reads
 * `context.manifests` (synthesized YAML file paths) and expects `context.report.submit(...)`.
 * The types below restate the parts we use, so cdk8s-cli is not needed at run time.
 */
import { isPssLevel, parsePssVersion, PSS_CHECKS, type PssLevel, type RulePack } from '../../policy';
import { runCheck } from './check';
import type { CheckFinding } from './check-result';

/** A resource violating a rule (cdk8s `ValidationViolatingResource`). */
export interface ValidationViolatingResourceLike {
  readonly resourceName: string;
  readonly locations: readonly string[];
  readonly manifestPath: string;
}

/** A violation (cdk8s `ValidationViolation`). */
export interface ValidationViolationLike {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly ValidationViolatingResourceLike[];
}

/** The parts of cdk8s `ValidationContext` the plugin uses. */
export interface ValidationContextLike {
  /** Paths of the synthesized manifests. */
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: ValidationViolationLike): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger: { log(message: string): void };
}

/** `properties` of the plugin entry in `cdk8s.yaml`. */
export interface PodSecurityValidationProps {
  /** PSS level for every object: privileged, baseline or restricted. Default: Namespace label, else restricted. */
  readonly level?: string;
  /** PSS version: latest, v1.N or 1.N. Default: Namespace label, else latest. */
  readonly version?: string;
  /**
   * Rule packs (policy/rules `RulePack`, e.g. `HARDENED_PACK`) to run after Pod Security
   * (programmatic use only; not settable from cdk8s.yaml).
   * @default - none: Pod Security only
   */
  readonly rulePacks?: readonly RulePack[];
}

const CHECK_INFO = new Map(PSS_CHECKS.map((c) => [c.id, c]));
const MAX_FIXES = 5;

/**
 * The cdk8s validation plugin class. In `cdk8s.yaml`:
 * `validations: [{ package: ./src/cli/validation-plugin-entry.js, version: 0.1.0, class: PodSecurityValidation }]`.
 */
export class PodSecurityValidation {
  private readonly level: PssLevel | undefined;
  private readonly version: string | undefined;
  private readonly rulePacks: readonly RulePack[] | undefined;

  /**
   * @param props plugin properties from `cdk8s.yaml`
   * @throws Error on an invalid level or version, so `cdk8s synth` stops with a clear message
   */
  public constructor(props: PodSecurityValidationProps = {}) {
    if (props.level !== undefined && !isPssLevel(props.level)) {
      throw new Error(`cdk8s-hardened validation: invalid level ${JSON.stringify(props.level)}: expected privileged, baseline or restricted`);
    }
    if (props.version !== undefined) {
      parsePssVersion(props.version);
    }
    this.level = props.level;
    this.version = props.version;
    this.rulePacks = props.rulePacks;
  }

  /**
   * Checks every synthesized manifest and submits the report: each open error finding is a
   * violation (failure when there is one); warnings (a namespace's warn/audit level, rules of
   * severity warning) are logged.
   */
  public async validate(context: ValidationContextLike): Promise<void> {
    const run = runCheck({ paths: context.manifests, level: this.level, version: this.version, rulePacks: this.rulePacks });
    for (const warning of run.warnings) {
      context.logger.log(`cdk8s-hardened: warning: ${warning}`);
    }
    const policy = {
      level: this.level ?? 'from Namespace label, else restricted',
      version: this.version ?? 'from Namespace label, else latest',
    };
    if (run.exitCode === 2) {
      for (const error of run.errors) {
        context.logger.log(`cdk8s-hardened: ${error}`);
      }
      context.report.submit('failure', { ...policy, error: run.errors.join('; ') });
      return;
    }
    const byRule = new Map<string, { findings: CheckFinding[]; resources: Map<string, { resourceName: string; manifestPath: string; locations: string[] }> }>();
    let count = 0;
    for (const result of run.results) {
      for (const finding of result.findings) {
        if (finding.severity !== 'error') {
          context.logger.log(`cdk8s-hardened: warning: ${result.file}: ${result.kind} ${result.name ?? '<unnamed>'}: [${finding.rule}] ${finding.message} (${finding.path})`);
          continue;
        }
        count++;
        let entry = byRule.get(finding.rule);
        if (entry === undefined) {
          entry = { findings: [], resources: new Map() };
          byRule.set(finding.rule, entry);
        }
        entry.findings.push(finding);
        const resourceName = result.name ?? '<unnamed>';
        const key = `${result.file}\u0000${result.line}`;
        let resource = entry.resources.get(key);
        if (resource === undefined) {
          resource = { resourceName, manifestPath: result.file, locations: [] };
          entry.resources.set(key, resource);
        }
        resource.locations.push(finding.path);
      }
    }
    for (const [rule, entry] of byRule) {
      context.report.addViolation({
        ruleName: rule,
        recommendation: recommendationFor(rule, entry.findings[0]),
        fix: fixFor(entry.findings),
        violatingResources: [...entry.resources.values()],
      });
    }
    context.report.submit(count === 0 ? 'success' : 'failure', {
      ...policy,
      objects: String(run.results.length),
      findings: String(count),
    });
  }
}

function recommendationFor(rule: string, first: CheckFinding | undefined): string {
  const info = CHECK_INFO.get(rule);
  return info !== undefined ? `${info.description} (Pod Security Standards, ${info.level})` : (first?.explanation || first?.message || rule);
}

function fixFor(findings: readonly CheckFinding[]): string {
  const fixes = [...new Set(findings.map((f) => f.fix || f.message))];
  const shown = fixes.slice(0, MAX_FIXES).join(' ');
  return fixes.length > MAX_FIXES ? `${shown} (and ${fixes.length - MAX_FIXES} more)` : shown;
}
