// The throttled bench profile's pure parts: what the kiosk-shaped cgroup gets, and where
// it goes. (Creating the cgroup needs root and mounted v1 controllers; the bench does it.)
import { describe, expect, it } from 'vitest';
import { ownCgroupPaths, parseCpuList, runThrottled, throttleValues } from '../../bench/throttle.js';

describe('the throttled profile', () => {
  it('reads cpu lists as the kernel writes them', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0-2,5,7-8\n')).toEqual([0, 1, 2, 5, 7, 8]);
    expect(parseCpuList('')).toEqual([]);
    expect(() => parseCpuList('0-x')).toThrow('not a cpu list: "0-x"');
  });

  it('is one core at half of the CFS period with 1 GiB, on the parent’s last core and memory nodes', () => {
    expect(throttleValues({ cpus: '0-3', mems: '0', periodUs: 100_000 })).toEqual({
      cpus: '3',
      mems: '0',
      periodUs: 100_000,
      quotaUs: 50_000,
      memoryBytes: 1_073_741_824,
    });
    expect(throttleValues({ cpus: '2,4', mems: '0-1', periodUs: 250_000 })).toMatchObject({
      cpus: '4',
      mems: '0,1',
      quotaUs: 125_000,
    });
  });

  it('refuses a parent with no cpus or no memory nodes (a cpuset with none cannot run a task)', () => {
    expect(() => throttleValues({ cpus: '', mems: '0', periodUs: 100_000 })).toThrow('no cpus');
    expect(() => throttleValues({ cpus: '0', mems: '', periodUs: 100_000 })).toThrow('no memory nodes');
  });

  it('places the new groups under the ones this process is in, co-mounted controllers included', () => {
    const paths = ownCgroupPaths(
      '9:name=systemd:/\n4:memory:/process_api/abc\n3:cpuset:/\n2:cpu,cpuacct:/user.slice\n0::/\n',
    );
    expect(paths.get('memory')).toBe('/process_api/abc');
    expect(paths.get('cpuset')).toBe('/');
    expect(paths.get('cpu')).toBe('/user.slice');
    expect(paths.get('cpuacct')).toBe('/user.slice');
    // The v2 line (empty controller list) is no v1 controller.
    expect(paths.has('')).toBe(false);
  });

  it('names the controllers it cannot find instead of running unthrottled', async () => {
    await expect(runThrottled(['true'], '/nonexistent-cgroup-root')).rejects.toThrow(
      'the throttled profile needs the cgroup v1 controller(s) cpu, cpuset, memory mounted at /nonexistent-cgroup-root/<controller>',
    );
  });
});
