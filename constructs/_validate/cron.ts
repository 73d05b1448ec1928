import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

// Private module: validation of CronJob schedules and time zones, as the API server accepts them
// (robfig/cron standard parser: five fields or a macro; no `TZ=`/`CRON_TZ=` in the schedule).

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS: readonly { name: string; min: number; max: number; names?: readonly string[]; nameBase?: number }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: 'day of week', min: 0, max: 6, names: DAYS, nameBase: 0 }, // robfig/cron: 0-6, no 7 for Sunday
];

/** Validates a CronJob schedule: five fields (`*`, `?`, numbers, names, ranges, lists, steps) or a macro such as `@daily`. */
export function cronSchedule(scope: IConstruct, field: string, schedule: string): string {
  const fail = (problem: string): never => {
    throw new HardenedInputError(scope, field, schedule, problem, 'write five fields "minute hour day-of-month month day-of-week", e.g. "30 2 * * *" (02:30 every day), or a macro such as "@daily"; set the zone with timeZone');
  };
  if (typeof schedule !== 'string' || schedule.trim() !== schedule || schedule === '') fail('is not a schedule');
  if (/^(CRON_)?TZ=/.test(schedule)) fail('carries a time zone, which the API server refuses');
  if (schedule.startsWith('@')) {
    if (!MACROS.has(schedule)) fail(`is not one of the macros ${[...MACROS].join(', ')}`);
    return schedule;
  }
  const parts = schedule.split(/\s+/);
  if (parts.length !== 5) fail(`has ${parts.length} fields, not 5`);
  parts.forEach((part, i) => {
    const f = FIELDS[i];
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
      const [, , lowText, highText, stepText] = m!;
      if ((m![1] === '?') && i !== 2 && i !== 4) fail(`has "?" in the ${f.name} field (only day of month and day of week take it)`);
      const low = value(lowText);
      const high = value(highText);
      for (const n of [low, high]) {
        if (n !== undefined && (n < f.min || n > f.max)) fail(`has ${n} in the ${f.name} field, outside ${f.min}-${f.max}`);
      }
      if (low !== undefined && high !== undefined && high < low) fail(`has the range ${lowText}-${highText} backwards in the ${f.name} field`);
      if (stepText !== undefined && Number(stepText) === 0) fail(`has a step of 0 in the ${f.name} field`);
    }
  });
  return schedule;
}

/** Validates an IANA time zone name as the API server does (Go's time.LoadLocation). */
export function timeZone(scope: IConstruct, field: string, zone: string): string {
  const known = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
  if (typeof zone !== 'string' || !known.has(zone)) {
    throw new HardenedInputError(scope, field, zone, 'is not an IANA time zone name', 'use e.g. "Europe/Berlin", "America/New_York" or "Etc/UTC"');
  }
  return zone;
}
