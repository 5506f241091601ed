#!/bin/bash
# The deb's postinst (electron-builder.yml: deb.afterInstall). electron-builder fills in
# the two macros written as dollar-brace executable / sanitizedProductName before the
# package is built; every other variable here is written without braces (or with an
# underscore in its name) because electron-builder refuses any other dollar-brace word.
#
# It does what electron-builder's default script does (command link, Chromium sandbox,
# desktop database, AppArmor profile) — a custom script replaces the default, so those
# steps must be here — and then installs the terminal's own files:
#   /etc/xdg/autostart/haochaping-terminal.desktop  start at login, with a watchdog
#   /usr/bin/hcp-keypad-rule                        the keypad udev rule helper
# The keypad's udev rule itself names one device (its serial number or USB port), so it
# cannot come in the package: the technician makes it with `sudo hcp-keypad-rule ttyUSB0
# --install`. A rule made earlier is kept across upgrades and reloaded here.

# dpkg passes "configure" (with the previous version on an upgrade); the abort-* calls
# roll back a failed removal or upgrade, when the files are still in place: redo them too.
case "$1" in
  configure | abort-upgrade | abort-remove | abort-deconfigure | "") ;;
  *) exit 0 ;;
esac

APP_DIR='/opt/${sanitizedProductName}'
EXE='${executable}'
LINUX_RES="$APP_DIR/resources/linux"

if type update-alternatives >/dev/null 2>&1; then
  # Remove a previous link that does not use update-alternatives.
  if [ -L "/usr/bin/$EXE" ] && [ -e "/usr/bin/$EXE" ] && [ "$(readlink "/usr/bin/$EXE")" != "/etc/alternatives/$EXE" ]; then
    rm -f "/usr/bin/$EXE"
  fi
  update-alternatives --install "/usr/bin/$EXE" "$EXE" "$APP_DIR/$EXE" 100 || ln -sf "$APP_DIR/$EXE" "/usr/bin/$EXE"
else
  ln -sf "$APP_DIR/$EXE" "/usr/bin/$EXE"
fi

# The SUID sandbox helper is needed only where unprivileged user namespaces are off.
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
  chmod 4755 "$APP_DIR/chrome-sandbox" || true
else
  chmod 0755 "$APP_DIR/chrome-sandbox" || true
fi

if hash update-mime-database 2>/dev/null; then
  update-mime-database /usr/share/mime || true
fi
if hash update-desktop-database 2>/dev/null; then
  update-desktop-database /usr/share/applications || true
fi

# AppArmor (Ubuntu 24+ restricts unprivileged user namespaces without a profile); skipped
# where this AppArmor cannot parse the bundled profile (Ubuntu 22.04) or inside a chroot.
if apparmor_status --enabled >/dev/null 2>&1; then
  APPARMOR_SRC="$APP_DIR/resources/apparmor-profile"
  APPARMOR_DST="/etc/apparmor.d/$EXE"
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_SRC" >/dev/null 2>&1; then
    cp -f "$APPARMOR_SRC" "$APPARMOR_DST"
    if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_DST" || true
    fi
  else
    echo "Skipping the AppArmor profile: this AppArmor does not support it."
  fi
fi

# --- the terminal's own files -------------------------------------------------------
chmod 0755 "$LINUX_RES/haochaping-terminal-session" "$LINUX_RES/hcp-keypad-rule" || true

# Autostart for graphical logins, through the watchdog (why not a systemd user unit:
# see the comment at the top of haochaping-terminal-session and PACKAGING.md).
mkdir -p /etc/xdg/autostart
# Exec points at this install folder whatever productName made it.
sed "s#^Exec=.*#Exec=$LINUX_RES/haochaping-terminal-session#" "$LINUX_RES/haochaping-terminal.desktop" \
  >/etc/xdg/autostart/haochaping-terminal.desktop
chmod 0644 /etc/xdg/autostart/haochaping-terminal.desktop

ln -sf "$LINUX_RES/hcp-keypad-rule" /usr/bin/hcp-keypad-rule

KEYPAD_RULE=/etc/udev/rules.d/99-hcp-keypad.rules
if [ -f "$KEYPAD_RULE" ]; then
  # Kept from an earlier install: make sure udev uses it (no-op outside a running system).
  if hash udevadm 2>/dev/null && [ -d /run/udev ]; then
    udevadm control --reload || true
    udevadm trigger --subsystem-match=tty --action=add || true
  fi
else
  echo "好差评评价器: for a serial keypad, plug it in and run:  sudo hcp-keypad-rule  (lists adapters),"
  echo "  then:  sudo hcp-keypad-rule ttyUSB0 --install   and set keypad.path: /dev/hcp-keypad."
  echo "  The account the terminal runs as must be in the dialout group:  sudo usermod -aG dialout USER"
fi

exit 0
