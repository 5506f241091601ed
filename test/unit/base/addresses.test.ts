import { describe, expect, it } from 'vitest';
import { canonicalOrigin, isBindableHost, isLoopbackHost } from '../../../src/base/addresses.js';

describe('isLoopbackHost', () => {
  it('is true for 127.0.0.0/8, ::1 and localhost', () => {
    for (const host of [
      '127.0.0.1',
      '127.255.0.9',
      '::1',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      'localhost',
      'LOCALHOST',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('is false for every other address', () => {
    for (const host of [
      '0.0.0.0',
      '::',
      '192.168.1.20',
      '10.0.0.1',
      '128.0.0.1',
      'terminal.local',
      'localhost.example',
      'fe80::1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('isBindableHost', () => {
  it('takes addresses and host names, not URLs or bracketed addresses', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '::', 'terminal-12.hall.local'])
      expect(isBindableHost(host), host).toBe(true);
    for (const host of ['', 'http://x', '[::1]', 'a b', '1.2.3.4:80'])
      expect(isBindableHost(host), host).toBe(false);
  });
});

describe('canonicalOrigin', () => {
  it('gives the origin as a browser sends it', () => {
    expect(canonicalOrigin('https://biz.example:443')).toBe('https://biz.example');
    expect(canonicalOrigin('http://192.168.1.20:8080/')).toBe('http://192.168.1.20:8080');
    expect(canonicalOrigin('HTTP://Biz.Example')).toBe('http://biz.example');
  });

  it('refuses paths, queries, credentials and other schemes', () => {
    for (const text of ['http://a/b', 'http://a/?x=1', 'http://u:p@a', 'ftp://a', 'a.example', '*']) {
      expect(canonicalOrigin(text), text).toBeNull();
    }
  });
});
