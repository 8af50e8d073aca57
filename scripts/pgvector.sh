#!/usr/bin/env bash
# pgvector for the local PostgreSQL 15, built from Debian's source package when the extension is
# missing (bookworm ships no postgresql-15-pgvector; notes/offline-toolbox.md "Vectors").
# Best effort: without it the feature migration stores emb_rgb as real[] and search ranks in
# JavaScript, so a failure here is reported and the caller goes on.
set -uo pipefail
pg_config_bin=/usr/lib/postgresql/15/bin/pg_config
sharedir() { [ -x "$pg_config_bin" ] && "$pg_config_bin" --sharedir 2>/dev/null; }
if [ -n "$(sharedir)" ] && [ -f "$(sharedir)/extension/vector.control" ]; then
  echo "pgvector: already installed"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "pgvector: not installed, and building it needs root; feature embeddings use real[] on PostgreSQL"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(
  set -e
  if ! grep -rqs "trixie" /etc/apt/sources.list.d/pgvector-src.list; then
    echo "deb-src http://deb.debian.org/debian trixie main" > /etc/apt/sources.list.d/pgvector-src.list
  fi
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-server-dev-15 make gcc >/dev/null
  cd "$work"
  apt-get source -q pgvector >/dev/null
  cd pgvector-*/
  make PG_CONFIG="$pg_config_bin" with_llvm=no >/dev/null
  make PG_CONFIG="$pg_config_bin" with_llvm=no install >/dev/null
) && echo "pgvector: built and installed" || echo "pgvector: could not be built; feature embeddings use real[] on PostgreSQL"
