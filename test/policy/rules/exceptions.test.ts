import {
  EXCEPTIONS_ANNOTATION, exceptionMatches, formatExceptionsAnnotation, isKnownExceptionId, knownExceptionIds,
  parseExceptionsAnnotation, reasonProblem,
} from '../../../policy/rules';

describe('exception reasons', () => {
  test.each([
    [undefined, 'is missing'],
    ['   ', 'is missing'],
    ['short', 'is shorter than 10 characters'],
    ['N/A       ', 'is shorter than 10 characters'],
    ['not applicable', 'is boilerplate, not a reason'],
    ['False positive.', 'is boilerplate, not a reason'],
    ['TODO: FIXME', 'is boilerplate, not a reason'],
    ['it is intended', 'is boilerplate, not a reason'],
    ['legacy stuff', 'has fewer than three words'],
    ['aaaaaaaaaaaaaa', 'has fewer than three words'],
  ])('%j %s', (reason, problem) => {
    expect(reasonProblem(reason)).toBe(problem);
  });

  test('a real sentence passes', () => {
    expect(reasonProblem('Single-primary database; a second replica would be a second primary.')).toBeUndefined();
  });
});

describe('exception ids and matching', () => {
  test('rule ids and Pod Security check ids are known; anything else is not', () => {
    expect(isKnownExceptionId('HARDENED-10')).toBe(true);
    expect(isKnownExceptionId('runAsNonRoot')).toBe(true);
    expect(isKnownExceptionId('HARDENED-99')).toBe(false);
    expect(isKnownExceptionId('image-digest')).toBe(false);
    expect(knownExceptionIds()[0]).toBe('HARDENED-1');
  });

  test('a path narrows to that field and below, on segment boundaries', () => {
    const e = { id: 'HARDENED-1', reason: 'x', path: 'spec.template.spec.containers[1]' };
    expect(exceptionMatches(e, { rule: 'HARDENED-1', path: 'spec.template.spec.containers[1].image' })).toBe(true);
    expect(exceptionMatches(e, { rule: 'HARDENED-1', path: 'spec.template.spec.containers[1]' })).toBe(true);
    expect(exceptionMatches(e, { rule: 'HARDENED-1', path: 'spec.template.spec.containers[10].image' })).toBe(false);
    expect(exceptionMatches(e, { rule: 'HARDENED-2', path: 'spec.template.spec.containers[1].image' })).toBe(false);
    expect(exceptionMatches({ id: 'HARDENED-1', reason: 'x' }, { rule: 'HARDENED-1', path: 'anything' })).toBe(true);
  });
});

describe(`the ${EXCEPTIONS_ANNOTATION} annotation`, () => {
  test('a sorted JSON array without duplicates, which parses back', () => {
    const text = formatExceptionsAnnotation([
      { id: 'runAsNonRoot', reason: 'The image needs root for its entrypoint script.' },
      { id: 'HARDENED-10', reason: ' Single primary database, scaled by an operator. ' },
      { id: 'HARDENED-2', reason: 'Vendor image without versioned tags available.', path: 'spec.containers[0]' },
      { id: 'HARDENED-10', reason: 'Single primary database, scaled by an operator.' },
    ]);
    expect(JSON.parse(text)).toEqual([
      { id: 'HARDENED-2', reason: 'Vendor image without versioned tags available.', path: 'spec.containers[0]' },
      { id: 'HARDENED-10', reason: 'Single primary database, scaled by an operator.' },
      { id: 'runAsNonRoot', reason: 'The image needs root for its entrypoint script.' },
    ]);
    expect(parseExceptionsAnnotation(text)).toEqual({ exceptions: JSON.parse(text), problems: [] });
  });

  test('bad entries are dropped with a problem each; a non-array is one problem', () => {
    const parsed = parseExceptionsAnnotation(JSON.stringify([
      { id: 'HARDENED-99', reason: 'A perfectly good reason here.' },
      { id: 'HARDENED-3', reason: 'n/a' },
      { id: 'HARDENED-3', reason: 'Batch sidecar is limited by the namespace LimitRange.', path: '' },
      { id: 'HARDENED-4', reason: 'The probe endpoint is served by the mesh proxy.' },
    ]));
    expect(parsed.exceptions).toEqual([{ id: 'HARDENED-4', reason: 'The probe endpoint is served by the mesh proxy.' }]);
    expect(parsed.problems).toEqual([
      `annotation ${EXCEPTIONS_ANNOTATION}[0]: id "HARDENED-99" is not a rule id or a Pod Security Standards check id`,
      `annotation ${EXCEPTIONS_ANNOTATION}[1]: reason "n/a" is shorter than 10 characters`,
      `annotation ${EXCEPTIONS_ANNOTATION}[2]: path "" is not a field path`,
    ]);
    expect(parseExceptionsAnnotation('HARDENED-4: because').problems).toEqual([
      `annotation ${EXCEPTIONS_ANNOTATION} is not a JSON array of {"id", "reason"[, "path"]}`,
    ]);
  });
});
