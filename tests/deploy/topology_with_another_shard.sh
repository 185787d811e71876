#!/usr/bin/env bash
# topology_with_another_shard.sh UP COMPOSE K8S
# Runs topology_check.py on a copy of K8S whose storage StatefulSet has one
# replica more than the services' --storage_addr lists name: the check must
# refuse it (deploy.TopologyCheckRefusesShardListsThatMissAShard).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp "$3"/*.yaml "$copy"/
replicas=$(sed -n 's/^  replicas: \([0-9]*\)  # shards.*/\1/p' "$copy/storage.yaml")
if [ -z "$replicas" ]; then
  echo "$0: cannot find the storage replicas in $3/storage.yaml" >&2
  exit 2
fi
sed -i "s/^  replicas: $replicas  # shards/  replicas: $((replicas + 1))  # shards/" \
  "$copy/storage.yaml"
/usr/bin/python3 "$here/topology_check.py" --up "$1" --compose "$2" --k8s "$copy"
