#!/usr/bin/env bash
# Validates docker/compose.yaml without a Docker engine (none runs on the build machines):
# Debian's docker-compose (v1.29) parses and checks it with 'config -q'. Installs it if missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v docker-compose >/dev/null 2>&1; then
  echo "validate-docker: installing docker-compose (Debian package)..." >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose; } >/dev/null \
    || { echo "validate-docker: cannot install docker-compose; run 'apt-get install docker-compose'" >&2; exit 1; }
fi
docker-compose -f "$ROOT/docker/compose.yaml" config -q
# the Dockerfile has no offline validator here: check that what it copies exists
for path in pom.xml models/pom.xml job/pom.xml bench/pom.xml cli/pom.xml deploy/pom.xml deploy/k8s/pom.xml models job bench cli data/ett; do
  [ -e "$ROOT/$path" ] || { echo "validate-docker: docker/Dockerfile copies $path, which is missing" >&2; exit 1; }
done
echo "validate-docker: docker/compose.yaml valid (docker-compose $(docker-compose version --short)); Dockerfile inputs present"
