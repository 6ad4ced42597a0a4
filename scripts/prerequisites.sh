#!/usr/bin/env bash
# What the tests need beyond npm: Debian's Chromium (browser tests), tmux (the CLI's terminal
# tests) and a running PostgreSQL at 127.0.0.1:5432 (storage tests run on SQLite and PostgreSQL;
# the outage tests start a private cluster with the same server binaries, and skip without them).
# Installs or starts what is missing where it can (root on Debian), and otherwise says what to do.
set -euo pipefail

# install_debian PACKAGE WHY CHECK: installs PACKAGE unless CHECK already succeeds.
install_debian() {
  if eval "$3" >/dev/null 2>&1; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's $1 for $2…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    echo "The $2 need $1: sudo apt-get install $1" >&2
    exit 1
  fi
}

install_debian chromium "browser tests" "test -x /usr/bin/chromium"
install_debian tmux "CLI's terminal tests" "command -v tmux"

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then
    echo "Starting PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "The storage tests need PostgreSQL at 127.0.0.1:5432 (user postgres, database test, trust auth)," >&2
    echo "or BASE44_TEST_POSTGRES_URL pointing at one." >&2
    exit 1
  fi
fi
