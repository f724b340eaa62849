#!/usr/bin/env bash
# Shared by start.sh and test.sh: system libraries Qt needs (Debian/Ubuntu), a virtual
# environment in .venv, and the program installed into it. Safe to run again: it installs only
# what is missing. Uses sudo for apt-get when not run as root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${SECRETARIAT_VENV:-$ROOT/.venv}

# Qt offscreen and on X11 (see docs/pitfalls.md), plus a Times-compatible font and the Russian
# hunspell dictionary (spell checking of the letter; without it the check is off, with a note).
QT_PACKAGES="libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  fonts-liberation2 hunspell-ru libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1"

say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }

APT_UPDATED=""
apt_update_once() {
  [ -n "$APT_UPDATED" ] && return 0
  "$@" apt-get update -q >/dev/null
  APT_UPDATED=1
}

apt_install() {
  command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian/Ubuntu: nothing to do here
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=sudo
    else say "Нужны системные пакеты: ${missing[*]}. Установите их от имени root."; return 1
    fi
  fi
  say "Установка системных пакетов: ${missing[*]}"
  apt_update_once $sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null
}

check_python() {
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "Нужен Python 3.11 или новее (найден: $(python3 --version 2>&1))"; exit 1
  fi
  python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
}

# The shared libpython the system Python links against; PyInstaller needs it for the bundle.
libpython_package() {
  local v
  v=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  command -v apt-cache >/dev/null 2>&1 || return 0
  [ -e "/usr/lib/x86_64-linux-gnu/libpython$v.so.1.0" ] && return 0
  for name in "libpython$v" "libpython${v}t64"; do
    if apt-cache show "$name" >/dev/null 2>&1; then echo "$name"; return 0; fi
  done
  # an empty package list (a fresh container) knows no package yet
  if [ "$(id -u)" = 0 ] && [ -z "$APT_UPDATED" ]; then
    apt_update_once
    for name in "libpython$v" "libpython${v}t64"; do
      if apt-cache show "$name" >/dev/null 2>&1; then echo "$name"; return 0; fi
    done
  fi
}

# bootstrap EXTRAS [SYSTEM PACKAGES...]: e.g. bootstrap "[test,build]" binutils
bootstrap() {
  local extras=$1; shift
  check_python
  # shellcheck disable=SC2086
  apt_install $QT_PACKAGES "$@"
  if [ ! -x "$VENV/bin/python" ]; then
    say "Создание виртуального окружения $VENV"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.installed$extras"
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    say "Установка программы и зависимостей в $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT$extras"
    touch "$stamp"
  fi
}
