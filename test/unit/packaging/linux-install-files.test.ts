// The files the packages install: the deb's maintainer scripts, the XDG autostart entry,
// the session watchdog, the NSIS include. Lint-level checks that need nothing but bash,
// plus the watchdog's behaviour run for real with a stand-in for the app.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../../helpers/temp.js';

const root = new URL('../../../', import.meta.url).pathname;
const read = (file: string) => readFileSync(join(root, file), 'utf8');
// any: the parsed YAML is checked by the schema test
const builderConfig = parse(read('electron-builder.yml')) as Record<string, any>;
const productName: string = builderConfig.productName;

/**
 * What electron-builder does to deb.afterInstall/afterRemove before handing them to fpm
 * (app-builder-lib/out/targets/FpmTarget.js, writeConfigFile): every dollar-brace word of
 * letters is a macro, and an unknown one stops the build.
 */
const MACRO = /\${([a-zA-Z]+)}/g;
function fillMacros(text: string): string {
  const options: Record<string, string> = {
    executable: builderConfig.linux.executableName,
    sanitizedProductName: productName,
    productFilename: productName,
  };
  // The platform options are macros too (FpmTarget spreads platformSpecificBuildOptions).
  for (const [key, value] of Object.entries(builderConfig.linux)) options[key] ??= String(value);
  return text.replace(MACRO, (_match, name: string) => {
    if (!(name in options)) throw new Error(`Macro ${name} is not defined`);
    return options[name] as string;
  });
}

function bashSyntax(file: string, text?: string): void {
  const args = text === undefined ? ['-n', join(root, file)] : ['-n'];
  const r = spawnSync('bash', args, { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`bash is needed to check ${file}: ${r.error.message}`);
  expect(r.stderr, `bash -n ${file}`).toBe('');
  expect(r.status, `bash -n ${file}`).toBe(0);
}

describe('the deb maintainer scripts', () => {
  it('the macro rule copied here is still electron-builder’s', () => {
    const require = createRequire(import.meta.url);
    const fpm = readFileSync(require.resolve('app-builder-lib/out/targets/FpmTarget.js'), 'utf8');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of electron-builder's own regex
    expect(fpm).toContain('.replace(/\\${([a-zA-Z]+)}/g, replacer)');
    expect(fpm).toMatch(/throw new Error\(`Macro \$\{p1\} is not defined`\)/);
  });

  for (const file of ['build/linux/after-install.sh', 'build/linux/after-remove.sh']) {
    it(`${file}: only known macros, and valid bash once they are filled in`, () => {
      const filled = fillMacros(read(file));
      expect(filled).not.toMatch(MACRO);
      expect(filled).toContain(`APP_DIR='/opt/${productName}'`);
      bashSyntax(file, filled);
    });
  }

  it('after-install keeps electron-builder’s own steps (a custom script replaces them)', () => {
    const text = read('build/linux/after-install.sh');
    expect(text).toMatch(/update-alternatives --install "\/usr\/bin\/\$EXE"/);
    expect(text).toMatch(/chmod 4755 "\$APP_DIR\/chrome-sandbox"/);
    expect(text).toMatch(/update-desktop-database/);
    expect(text).toMatch(/apparmor_parser --replace/);
  });

  it('after-install sets up autostart and the keypad helper, and keeps an existing udev rule', () => {
    const text = read('build/linux/after-install.sh');
    expect(text).toContain('>/etc/xdg/autostart/haochaping-terminal.desktop');
    expect(text).toContain('ln -sf "$LINUX_RES/hcp-keypad-rule" /usr/bin/hcp-keypad-rule');
    expect(text).toContain('KEYPAD_RULE=/etc/udev/rules.d/99-hcp-keypad.rules');
    expect(text).toMatch(/udevadm control --reload/);
    // Every file it takes from resources/linux is shipped there by extraResources.
    const shipped = (builderConfig.linux.extraResources as { from: string; filter: string[] }[]).flatMap(
      (e) => e.filter.filter((f) => !/[*!]/.test(f)),
    );
    for (const [, name] of text.matchAll(/\$LINUX_RES\/([\w.-]+)/g)) {
      const inDrivers = existsSync(join(root, 'drivers/linux', name as string));
      expect(shipped.includes(name as string) || inDrivers, `${name} is shipped`).toBe(true);
    }
  });

  it('both scripts act only on the dpkg calls they mean: an upgrade leaves everything in place', () => {
    const install = read('build/linux/after-install.sh');
    const remove = read('build/linux/after-remove.sh');
    // The dispatch comes before any command that changes the system.
    const firstChange = (text: string) => text.search(/^(update-alternatives|ln |rm |if |chmod |mkdir )/m);
    expect(install.indexOf('case "$1" in')).toBeLessThan(firstChange(install));
    expect(remove.indexOf('case "$1" in')).toBeLessThan(firstChange(remove));
    expect(install).toMatch(
      /configure \| abort-upgrade \| abort-remove \| abort-deconfigure \| ""\) ;;\n\s+\*\) exit 0 ;;/,
    );
    expect(remove).toMatch(/remove \| purge \| ""\) ;;\n\s+\*\) exit 0 ;;/);
    // The technician's keypad rule goes only on purge.
    expect(remove).toMatch(/if \[ "\$1" = purge \] && \[ -f \/etc\/udev\/rules\.d\/99-hcp-keypad\.rules \]/);
    // User data (ratings, the sealing key) is never touched by the package.
    const commands = `${install}\n${remove}`
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'))
      .join('\n');
    expect(commands).not.toMatch(/\.config|HOME|terminal\.db|terminal\.key/);
  });

  it('the other shell files are valid bash', () => {
    bashSyntax('build/linux/haochaping-terminal-session');
    bashSyntax('drivers/linux/hcp-keypad-rule');
  });
});

describe('the XDG autostart entry', () => {
  const entry = Object.fromEntries(
    read('build/linux/haochaping-terminal.desktop')
      .split('\n')
      .filter((l) => l.includes('=') && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

  it('is a valid application entry that starts the watchdog from the install folder', () => {
    expect(read('build/linux/haochaping-terminal.desktop').split('\n')[0]).toBe('[Desktop Entry]');
    expect(entry.Type).toBe('Application');
    expect(entry.Name).toBe('好差评评价器');
    expect(entry.Exec).toBe(`/opt/${productName}/resources/linux/haochaping-terminal-session`);
    expect(entry.Terminal).toBe('false');
    expect(entry.Hidden).toBeUndefined();
    expect(entry['X-GNOME-Autostart-enabled']).toBe('true');
  });
});

describe('the session watchdog', () => {
  const watchdog = join(root, 'build/linux/haochaping-terminal-session');

  /** A stand-in app: logs its arguments, then exits with the next status from the list. */
  function fakeApp(statuses: number[], dir = tempDir('hcp-session-')) {
    const log = join(dir, 'runs');
    const app = join(dir, 'app');
    writeFileSync(
      app,
      `#!/bin/bash
echo "run: $*" >> '${log}'
n=$(wc -l < '${log}')
statuses=(${statuses.join(' ')})
exit "\${statuses[$((n - 1))]:-0}"
`,
      { mode: 0o755 },
    );
    return { app, log, dir };
  }

  function env(extra: Record<string, string>) {
    // No DISPLAY: the watchdog does not guess whether a session is gone.
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HCP_RESTART_DELAY: '0',
      HCP_SYSTEM_CONFIG: '/nonexistent/config.yaml',
      ...extra,
    };
  }

  const runs = (log: string) => readFileSync(log, 'utf8').trimEnd().split('\n');

  it('starts the app again after crashes, and stops when it is quit on purpose (0)', () => {
    const { app, log } = fakeApp([1, 139, 0]);
    const r = spawnSync('bash', [watchdog], { env: env({ HCP_APP: app }), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(runs(log)).toHaveLength(3);
    expect(r.stderr).toMatch(/ended with status 1 after \d+s; starting it again/);
    expect(r.stderr).toMatch(/ended with status 139/);
  });

  it('does not restart on a configuration error (2): a restart cannot fix it', () => {
    const { app, log } = fakeApp([2, 0]);
    const r = spawnSync('bash', [watchdog], { env: env({ HCP_APP: app }), encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(runs(log)).toHaveLength(1);
    expect(r.stderr).toMatch(/configuration is wrong/);
  });

  it('passes the machine-wide configuration when there is one, unless --config is given', () => {
    const { app, log, dir } = fakeApp([0, 0]);
    const system = join(dir, 'config.yaml');
    writeFileSync(system, 'terminal: {}\n');
    spawnSync('bash', [watchdog], { env: env({ HCP_APP: app, HCP_SYSTEM_CONFIG: system }) });
    spawnSync('bash', [watchdog, '--config', '/srv/other.yaml'], {
      env: env({ HCP_APP: app, HCP_SYSTEM_CONFIG: system }),
    });
    expect(runs(log)).toEqual([`run: --config ${system}`, 'run: --config /srv/other.yaml']);
  });

  it('fails with a message when the app is missing', () => {
    const r = spawnSync('bash', [watchdog], { env: env({ HCP_APP: '/nonexistent/app' }), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\/nonexistent\/app is missing or not executable/);
  });

  it('on logout (SIGTERM) passes the signal to the app and does not restart it', async () => {
    const dir = tempDir('hcp-session-');
    const log = join(dir, 'runs');
    const app = join(dir, 'app');
    // An app that runs until told to stop, and records that it was told.
    writeFileSync(
      app,
      `#!/bin/bash
echo start >> '${log}'
trap 'echo TERM >> "${log}"; exit 143' TERM
while :; do sleep 0.05; done
`,
      { mode: 0o755 },
    );
    const child = spawn('bash', [watchdog], { env: env({ HCP_APP: app }), stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!existsSync(log) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(runs(log)).toEqual(['start', 'TERM']);
  });
});

describe('the Windows installer include', () => {
  const nsh = read('build/installer.nsh');

  it('writes the per-user Run value at install and removes it at uninstall, not on update', () => {
    expect(builderConfig.nsis.include).toBe('build/installer.nsh');
    expect(builderConfig.nsis.perMachine).toBe(false);
    expect(nsh).toMatch(/!define HCP_RUN_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Run"/);
    expect(nsh).toMatch(
      /!macro customInstall\s+WriteRegStr HKCU "\$\{HCP_RUN_KEY\}" "\$\{HCP_RUN_VALUE\}" '"\$INSTDIR\\\$\{APP_EXECUTABLE_FILENAME\}"'\s+!macroend/,
    );
    expect(nsh).toMatch(
      /!macro customUnInstall\s+(;[^\n]*\n\s+)*\$\{ifNot\} \$\{isUpdated\}\s+DeleteRegValue HKCU "\$\{HCP_RUN_KEY\}" "\$\{HCP_RUN_VALUE\}"\s+\$\{endIf\}\s+!macroend/,
    );
  });
});
