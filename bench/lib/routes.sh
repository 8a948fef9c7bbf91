# shellcheck shell=bash
# Routes: how a contender reaches the API server. A scenario named NAME-ROUTE runs NAME's code
# over ROUTE (see register in bench/run). Each route gives a kubeconfig and a server URL:
#   loopback  the local test cluster as it is
#   remote    the same through bench/delay_proxy.py: 25 ms each way, a 50 ms round trip
#   modern    the cluster through tests/modern-front (kube-apiserver 1.36's exec translator and
#             port-forward tunnel; the `modern` context scripts/cluster writes): exec over v5,
#             pf over the WebSocket tunnel
# A new route (another front, another cluster) is one more case in route_prepare.
#
# After route_use ROUTE: ORKA_CMD, KUBECTL_CMD and CURL_CMD are argument arrays ready for the
# op (namespace and kubeconfig given), and API_URL is the server to send curl's requests to.

declare -A ROUTE_KUBECONFIGS ROUTE_SERVERS
REMOTE_DELAY_MS=${BENCH_DELAY_MS:-25}
DELAY_PROXY_PID=""

# The admin credentials as files for curl (the kubeconfig may hold them inline).
CURL_AUTH=()
prepare_curl_credentials() {
  local user cluster v
  cluster=$("$KUBECTL" config view --raw --minify -o jsonpath='{.clusters[0].cluster}' 2>/dev/null)
  [[ -n $cluster ]] || die "cannot read the cluster of $KUBECONFIG"
  CURL_AUTH=()
  v=$("$KUBECTL" config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
  if [[ -n $v ]]; then
    base64 -d <<<"$v" >"$SCRATCH/ca.crt"; CURL_AUTH+=(--cacert "$SCRATCH/ca.crt")
  else
    v=$("$KUBECTL" config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority}')
    [[ -n $v ]] && CURL_AUTH+=(--cacert "$v")
  fi
  user=$("$KUBECTL" config view --raw --minify -o jsonpath='{.users[0].user.client-certificate-data}')
  if [[ -n $user ]]; then
    base64 -d <<<"$user" >"$SCRATCH/client.crt"
    (umask 077; "$KUBECTL" config view --raw --minify -o jsonpath='{.users[0].user.client-key-data}' |
      base64 -d >"$SCRATCH/client.key")
    CURL_AUTH+=(--cert "$SCRATCH/client.crt" --key "$SCRATCH/client.key")
  else
    v=$("$KUBECTL" config view --raw --minify -o jsonpath='{.users[0].user.client-certificate}')
    [[ -n $v ]] && CURL_AUTH+=(--cert "$v")
    v=$("$KUBECTL" config view --raw --minify -o jsonpath='{.users[0].user.client-key}')
    [[ -n $v ]] && CURL_AUTH+=(--key "$v")
    v=$("$KUBECTL" config view --raw --minify -o jsonpath='{.users[0].user.token}')
    [[ -n $v ]] && CURL_AUTH+=(-H "Authorization: Bearer $v")
  fi
  ROUTE_KUBECONFIGS[loopback]=$KUBECONFIG
  ROUTE_SERVERS[loopback]=$("$KUBECTL" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
}

route_prepare() {  # route: starts what the route needs, once per bench run
  [[ -n ${ROUTE_KUBECONFIGS[$1]:-} ]] && return 0
  case $1 in
    remote)
      local target host port i
      target=${ROUTE_SERVERS[loopback]#https://}; target=${target%%/*}
      host=${target%:*}; port=${target##*:}
      [[ $host == 127.* ]] || die "the delay proxy is for a cluster on loopback; the server is $host"
      rm -f "$SCRATCH/proxy.port"
      python3 "$BENCH_DIR/delay_proxy.py" --target "$host:$port" --delay-ms "$REMOTE_DELAY_MS" \
        --port-file "$SCRATCH/proxy.port" 2>"$SCRATCH/proxy.log" &
      DELAY_PROXY_PID=$!
      for ((i = 0; i < 100; i++)); do [[ -s $SCRATCH/proxy.port ]] && break; sleep 0.1; done
      [[ -s $SCRATCH/proxy.port ]] || die "the delay proxy did not start: $(last_line "$SCRATCH/proxy.log")"
      "$KUBECTL" config view --raw --minify --flatten >"$SCRATCH/remote.kubeconfig"
      chmod 600 "$SCRATCH/remote.kubeconfig"
      ROUTE_SERVERS[remote]=https://$host:$(cat "$SCRATCH/proxy.port")
      KUBECONFIG=$SCRATCH/remote.kubeconfig "$KUBECTL" config set-cluster \
        "$("$KUBECTL" config view --minify -o jsonpath='{.clusters[0].name}')" \
        --server="${ROUTE_SERVERS[remote]}" >/dev/null || die "cannot write the remote kubeconfig"
      ROUTE_KUBECONFIGS[remote]=$SCRATCH/remote.kubeconfig
      say "remote route: ${ROUTE_SERVERS[remote]} (delay proxy, ${REMOTE_DELAY_MS} ms each way)"
      ;;
    modern)
      "$KUBECTL" config view --raw --minify --flatten --context modern >"$SCRATCH/modern.kubeconfig" 2>/dev/null ||
        die "no context 'modern' in $KUBECONFIG: scripts/cluster up starts the modern front and writes it"
      chmod 600 "$SCRATCH/modern.kubeconfig"
      ROUTE_KUBECONFIGS[modern]=$SCRATCH/modern.kubeconfig
      ROUTE_SERVERS[modern]=$(KUBECONFIG=$SCRATCH/modern.kubeconfig "$KUBECTL" config view --minify \
        -o jsonpath='{.clusters[0].cluster.server}')
      KUBECONFIG=$SCRATCH/modern.kubeconfig "$KUBECTL" version -o json 2>/dev/null | grep -q '"minor": *"3[6-9]' ||
        die "the modern front at ${ROUTE_SERVERS[modern]} does not answer as Kubernetes 1.36+ (scripts/cluster up starts it)"
      say "modern route: ${ROUTE_SERVERS[modern]} (tests/modern-front: exec v5, pf tunnel)"
      ;;
    *) die "unknown route '$1'" ;;
  esac
}

route_stop() {
  if [[ -n $DELAY_PROXY_PID ]]; then
    kill "$DELAY_PROXY_PID" 2>/dev/null
    wait "$DELAY_PROXY_PID" 2>/dev/null
    DELAY_PROXY_PID=""
  fi
}

route_use() {  # route
  route_prepare "$1"
  ROUTE=$1
  ROUTE_KUBECONFIG=${ROUTE_KUBECONFIGS[$1]}
  API_URL=${ROUTE_SERVERS[$1]}
  ORKA_CMD=("$ORKA" --kubeconfig "$ROUTE_KUBECONFIG" -n "$NS")
  KUBECTL_CMD=("$KUBECTL" --kubeconfig "$ROUTE_KUBECONFIG" -n "$NS")
  CURL_CMD=(curl -sS --fail-with-body --max-time "$TIMEOUT" "${CURL_AUTH[@]}")
}
