import { describe, expect, it } from 'vitest';
import { redactShapes, scrubPersonal } from '../../../src/core/personal-data.js';

describe('personal data in free text', () => {
  const citizen = { name: '陈美英', idNumber: '350521199001011234', phone: '13812345678', type: 1 as const };

  it('blanks this citizen’s own values, wherever they are quoted', () => {
    expect(
      scrubPersonal('userName 陈美英 certKey 350521199001011234 mobile 13812345678 mismatch', [citizen]),
    ).toBe('userName [redacted] certKey [redacted] mobile [redacted] mismatch');
    expect(scrubPersonal('no personal data here', [null, citizen])).toBe('no personal data here');
  });

  it('blanks id-number and mobile shapes of anyone, but not times or ids', () => {
    expect(redactShapes('id 11010519491231002X, tel +86 139-1234-5678')).toBe(
      'id [redacted], tel [redacted]',
    );
    expect(redactShapes('at 1790000000000, record 3f2a-17900000000001')).toBe(
      'at 1790000000000, record 3f2a-17900000000001',
    );
  });

  it('leaves a UUID whole even where a run of it is shaped like a mobile number', () => {
    // 189-4711-8245 inside this prompt id once came out as 7c8a1999-a[redacted]-f7439ac06b8c.
    const id = '7c8a1999-a189-4711-8245-f7439ac06b8c';
    expect(redactShapes(`promptId ${id}`)).toBe(`promptId ${id}`);
    expect(redactShapes(`${id} tel 139-1234-5678 ${id}`)).toBe(`${id} tel [redacted] ${id}`);
  });
});
