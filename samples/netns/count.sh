#!/usr/bin/env bash
# Print tshark's frame count for every scenario of manifest.tsv (and the expert-error check).
# k8s-vxlan.pcap uses udp/8472 (flannel), which tshark decodes as VXLAN only with -d.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for f in k8s-real.pcap k8s-vxlan.pcap; do
  [ -f "$f" ] || continue
  n=$(tshark -r "$f" -d udp.port==8472,vxlan -z expert,error -q 2>/dev/null | grep -c '^ *Error' || true)
  printf '%s\t%s frames\texpert errors: %s\n' "$f" "$(tshark -r "$f" 2>/dev/null | wc -l)" "$n"
done
printf 'id\tframes\tfilter\n'
tail -n +2 manifest.tsv | while IFS=$'\t' read -r id cap _what _cl _sv _cat filter; do
  [ -f "$cap" ] || { printf '%s\t-\t(%s missing)\n' "$id" "$cap"; continue; }
  c=$(tshark -r "$cap" -d udp.port==8472,vxlan -Y "$filter" 2>/dev/null | wc -l)
  printf '%s\t%s\t%s\n' "$id" "$c" "$filter"
done
