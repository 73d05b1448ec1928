import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';
import { TIME_ZONE_NAMES, TZDATA_RELEASE } from './time-zones';

// Private module: validation of CronJob schedules and time zones, as the API server accepts them
// (robfig/cron v3 ParseStandard: five fields, a macro or `@every <Go duration>`; no
// `TZ=`/`CRON_TZ=` in the schedule), and refusing the schedules it accepts that never run.

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** The longest day of each month, leap years counted (robfig's Next searches five years ahead). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const FIELDS: readonly { name: string; min: number; max: number; names?: readonly string[]; nameBase?: number }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: 'day of week', min: 0, max: 6, names: DAYS, nameBase: 0 }, // robfig/cron: 0-6, no 7 for Sunday
];
/** A Go duration (time.ParseDuration): signed, one or more decimal numbers with a unit. */
const GO_DURATION = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, '\u00b5s': 1e3, '\u03bcs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

function goDurationSeconds(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  let ns = 0;
  for (const m of text.replace(/^[-+]/, '').matchAll(/(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/g)) ns += Number(m[1]) * UNIT_NS[m[2]];
  return (sign * ns) / 1e9;
}

/**
 * Validates a CronJob schedule: five fields (`*`, `?`, numbers, names, ranges, lists, steps), a
 * macro such as `@daily`, or `@every <duration>` (`@every 1h30m`) of whole seconds, at least one;
 * refuses one that never runs (`0 0 30 2 *`: robfig's Next finds no time and the controller never
 * creates a Job, though the API server admits it).
 */
export function cronSchedule(scope: IConstruct, field: string, schedule: string): string {
  const fail = (problem: string, fix = 'write five fields "minute hour day-of-month month day-of-week", e.g. "30 2 * * *" (02:30 every day), a macro such as "@daily", or "@every 1h"; set the zone with timeZone'): never => {
    throw new HardenedInputError(scope, field, schedule, problem, fix);
  };
  if (typeof schedule !== 'string' || schedule.trim() !== schedule || schedule === '') fail('is not a schedule');
  if (schedule.includes('TZ')) fail('carries a time zone (TZ), which the API server refuses');
  if (schedule.startsWith('@every ')) {
    const duration = schedule.slice('@every '.length);
    if (!GO_DURATION.test(duration)) fail(`has "${duration}", which is not a Go duration`, 'write e.g. "@every 1h", "@every 90m" or "@every 1h30m"');
    const seconds = goDurationSeconds(duration);
    // robfig's Every: under 1 s becomes 1 s, and fractions of a second are dropped, silently
    if (!(seconds >= 1) || !Number.isInteger(seconds)) fail(`runs every ${seconds} s, which the cron parser silently replaces (under 1 s by 1 s, fractions of a second dropped)`, 'write a positive whole number of seconds or more, e.g. "@every 5m"');
    return schedule;
  }
  if (schedule.startsWith('@')) {
    if (!MACROS.has(schedule)) fail(`is not one of the macros ${[...MACROS].join(', ')}, or "@every <duration>"`);
    return schedule;
  }
  const parts = schedule.split(/\s+/);
  if (parts.length !== 5) fail(`has ${parts.length} fields, not 5`);
  const sets = parts.map((part, i) => {
    const f = FIELDS[i];
    const values = new Set<number>();
    let star = false;
    for (const item of part.split(',')) {
      const m = /^(\*|\?|([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?)(?:\/([0-9]+))?$/.exec(item);
      if (!m) fail(`has an invalid ${f.name} field "${part}"`);
      const value = (text: string | undefined): number | undefined => {
        if (text === undefined) return undefined;
        if (/^[0-9]+$/.test(text)) return Number(text);
        const at = f.names?.indexOf(text.toUpperCase()) ?? -1;
        if (at < 0) fail(`has "${text}" in the ${f.name} field, which is not a number${f.names ? ' or a name' : ''}`);
        return at + (f.nameBase ?? 0);
      };
      const [, whole, lowText, highText, stepText] = m!;
      if ((whole === '?') && i !== 2 && i !== 4) fail(`has "?" in the ${f.name} field (only day of month and day of week take it)`);
      const low = value(lowText);
      const high = value(highText);
      for (const n of [low, high]) {
        if (n !== undefined && (n < f.min || n > f.max)) fail(`has ${n} in the ${f.name} field, outside ${f.min}-${f.max}`);
      }
      if (low !== undefined && high !== undefined && high < low) fail(`has the range ${lowText}-${highText} backwards in the ${f.name} field`);
      const step = stepText === undefined ? 1 : Number(stepText);
      if (step === 0) fail(`has a step of 0 in the ${f.name} field`);
      // robfig getRange: * and ? span the field and mark it a star unless stepped by more than 1; "n/step" runs to the maximum
      const isStar = whole === '*' || whole === '?';
      if (isStar && step === 1) star = true;
      const from = isStar ? f.min : low!;
      const to = isStar || (high === undefined && stepText !== undefined) ? f.max : high ?? low!;
      for (let n = from; n <= to; n += step) values.add(n);
    }
    return { values, star };
  });
  const [, , dom, month, dow] = sets;
  // robfig dayMatches: with a star in either day field the two are ANDed, otherwise ORed (any weekday matches)
  if (!dom.star && dow.star && ![...month.values].some(m => [...dom.values].some(d => d <= MONTH_DAYS[m - 1]))) {
    fail(`never runs: no month of "${parts[3]}" has a day "${parts[2]}" (the API server admits it; the controller never creates a Job)`,
      'pick a day every chosen month has, e.g. "0 0 28 2 *", or the first of the next month, "0 0 1 3 *"');
  }
  return schedule;
}

/**
 * Validates a time zone name as the API server does: Go's `time.LoadLocation` over the tzdata
 * kube-apiserver embeds ({@link TIME_ZONE_NAMES}), so links such as `US/Eastern` and
 * `Asia/Calcutta` pass and the match is exact (`utc` is not `UTC`); `Local` is refused.
 */
export function timeZone(scope: IConstruct, field: string, zone: string): string {
  if (typeof zone !== 'string' || !TIME_ZONE_NAMES.has(zone)) {
    const folded = typeof zone === 'string' ? [...TIME_ZONE_NAMES].find(n => n.toLowerCase() === zone.toLowerCase()) : undefined;
    throw new HardenedInputError(scope, field, zone, `is not a time zone name of the tzdata the API server reads (IANA ${TZDATA_RELEASE}; names match exactly)`,
      folded !== undefined ? `write ${JSON.stringify(folded)}` : 'use a zone such as "Europe/Berlin", "America/New_York" or "UTC"');
  }
  return zone;
}
