# source me. lab_up SUFFIX -> namespaces xrv-SUFFIX-a / xrv-SUFFIX-b, veth va<SUFFIX> / vb<SUFFIX>
X=/work/main/dist/xdptop.mjs
lab_up() {
  local s=$1
  A=xrv-$s-a; B=xrv-$s-b; IA=va$s; IB=vb$s
  ip netns add $A && ip netns add $B || return 1
  for n in $A $B; do ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip -n $n link set lo up; done
  ip -n $A link add $IA type veth peer name $IB netns $B
  ip -n $A link set $IA up; ip -n $B link set $IB up
  ip -n $A addr add 10.99.0.1/24 dev $IA; ip -n $B addr add 10.99.0.2/24 dev $IB
}
lab_down() { local s=$1; ip netns del xrv-$s-a 2>/dev/null; ip netns del xrv-$s-b 2>/dev/null; true; }
# send N udp frames from B to A's iface
send() { # s count
  local s=$1 n=$2
  local mac=$(ip -n xrv-$s-a -j link show va$s | jq -r '.[0].address')
  cat > /tmp/xrv-frame-$s.cfg <<CFG
{ eth(da=$mac, type=0x0800), ipv4(saddr=10.99.0.2, daddr=10.99.0.1, proto=17), udp(sp=1234, dp=9), fill(0x41, 18) }
CFG
  ip netns exec xrv-$s-b timeout 20 trafgen -q -i /tmp/xrv-frame-$s.cfg -o vb$s -n $n -P 1 >/dev/null 2>&1
}
rx() { ip -n xrv-$1-a -j -s link show va$1 | jq '.[0].stats64.rx.packets'; }
inA() { local s=$1; shift; nsenter --net=/run/netns/xrv-$s-a "$@"; }
